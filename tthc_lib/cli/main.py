"""The `tthc` command: compute, sample, report.

Heavy packages (papermill, nbconvert, matplotlib) are imported inside the commands that
use them, so `tthc compute` starts fast.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path


def _open(args):
    """Return the Dataset of the command's DATA (one export, or several merged), read with
    --profile and --catalog."""
    from ..engine.sources import Source, open_sources
    from ..rules.catalog import load_catalog
    from ..rules.profiles import load_profile

    profile = load_profile(args.profile) if args.profile else None
    files = args.data if isinstance(args.data, list) else [args.data]
    return open_sources([Source(Path(f), sheet=args.sheet) for f in files], profile=profile,
                        catalog=load_catalog(args.catalog))


def _compute(args) -> int:
    """`tthc compute`: answered from the cache when the export, the options, the package
    and the day are those of an earlier successful run (core.memo), else computed."""
    from ..core.memo import Memo

    files = list(args.data) + [f for f in (args.profile, args.catalog, args.policy)
                               if f and Path(f).is_file()]
    memo = Memo("compute", {k: getattr(args, k) for k in
                            ("data", "period", "json", "sheet", "strict", "profile", "catalog",
                             "policy")}, files)
    if memo.replay():
        return 0
    with memo.recording():
        return _compute_now(args)


def _compute_now(args) -> int:
    from ..core import fmt
    from ..core.errors import InputError, messages
    from ..core.periods import parse_period
    from ..core.schema import LEVEL_LABELS
    from ..engine import data_errors, run
    from ..engine.run import empty_period, stale_note
    from ..engine.sources import overlap_note
    from ..model.registry import INDICATORS
    from ..rules.policy import load_policy

    period = parse_period(args.period)
    policy = load_policy(args.policy)
    ds = _open(args)
    try:
        r = run(ds, policy, period)
        empty = empty_period(ds, r)
    finally:
        ds.close()
    note = overlap_note(ds, limit=10)
    if empty is not None:
        print("Cảnh báo: " + messages()["no_dossier_in_period"].format(**empty), file=sys.stderr)
    results = r.results
    errors = data_errors(r.excluded, r.excluded_rows)
    if errors and args.strict:
        raise InputError("strict_rows", rows="\n".join(f"  - {e}" for e in errors))
    for e in errors:
        print(f"Cảnh báo: không tính {e}.", file=sys.stderr)
    if stale := stale_note(r):
        print("Cảnh báo: " + stale, file=sys.stderr)
    if args.json:
        out = results.to_json() | {"policy": policy.name, "by_status": r.by_status}
        if r.stale_agencies:
            out["district_agencies"] = r.stale_agencies
        # null: the export (or one of several) has no receiving-unit column
        out["received_for_others"] = r.received_for_others
        if ds.sources:
            out |= {"sources": ds.sources, "overlap": ds.overlap}
        print(json.dumps(out, ensure_ascii=False, indent=2))
        return 0
    if note:
        print(note)
    if r.received_for_others and r.received_for_others["total"]:
        o = r.received_for_others
        print(messages()["received_for_others"].format(
            total=fmt.number(o["total"]), receivers=fmt.number(o["receivers"]),
            units="; ".join(f"{u['unit']} {fmt.number(u['dossiers'])}" for u in o["units"])))
    levels = list(results.by_level)
    width = {lv: max(12, len(LEVEL_LABELS[lv]) + 2) for lv in levels}
    head = f"{'Chỉ tiêu':<52}{'Toàn bộ':>12}" + "".join(
        f"{LEVEL_LABELS[lv]:>{width[lv]}}" for lv in levels)
    print(f"Kỳ {period.label_vi}: {fmt.day(period.start)} – {fmt.day(period.end)}; "
          f"chính sách đếm {policy.name}")
    print(head)
    print("-" * len(head))
    for ind in (i for i in INDICATORS if i.source == "data"):
        show = fmt.percent if ind.kind == "ratio" else fmt.number
        cells = [results.indicators[ind.id]] + [results.by_level[lv][ind.id] for lv in levels]
        print(f"{ind.label_vi[:51]:<52}{show(cells[0]):>12}"
              + "".join(f"{show(c):>{width[lv]}}" for lv, c in zip(levels, cells[1:],
                                                                     strict=True)))
    return 0


def _score_data(args, spec):
    """The dossiers `tthc score` scores: the files given (else the params' `data:`), and of a
    member unit only its agencies' (`unit.agencies`), as its report counts them."""
    from ..core.errors import InputError
    from ..engine.sources import Source, open_unit
    from ..rules.catalog import load_catalog
    from ..rules.profiles import load_profile

    if spec is None and not args.data:
        raise InputError("score_no_data")
    if args.data:
        sources = [Source(Path(f), sheet=args.sheet) for f in args.data]
    else:
        sources = list(spec.sources) or [Source(spec.data, sheet=spec.sheet)]
    profile = args.profile or (spec.profile if spec else None)
    return open_unit(sources, load_profile(profile) if profile else None,
                     load_catalog(args.catalog or (spec.catalog if spec else None)),
                     spec.agencies if spec else ())


def _score(args) -> int:
    from html import unescape

    from ..analysis.index766 import SURE, score, values_from
    from ..core import fmt
    from ..core.periods import parse_period
    from ..engine import run
    from ..report.narrative.render import render
    from ..rules.policy import load_policy

    period = parse_period(args.period)
    spec = None
    if args.params:
        from ..report.spec import load_spec

        spec = load_spec(Path(args.params))
    ds = _score_data(args, spec)
    try:
        results = run(ds, load_policy(args.policy or (spec.policy if spec else None)),
                      period).results
    finally:
        ds.close()
    card = score(values_from(results, spec.figures if spec else None,
                             spec.index766 if spec else None),
                 scope=args.scope or (spec.unit.scope766 if spec else "tinh"))
    if args.json:
        print(json.dumps(card.to_json(), ensure_ascii=False, indent=2))
        return 0
    print(f"{card.method.label} — {period.label_vi}")
    print(f"{'Nhóm / chỉ số':<62}{'Tỷ lệ':>9}{'Điểm':>9}{'Tối đa':>8}")
    for g in (g for g in card.groups if g.scores):
        print(f"{g.group.label:<71}{fmt.decimal(g.points, 2):>9}{fmt.decimal(g.max, 0):>8}"
              + ("" if g.complete else f"  (thiếu {len(g.missing)} chỉ số)"))
        for s in g.scores:
            mark = " *" if s.rule.sure == "not_reproduced" else ""
            if s.points is None:
                print(f"  {s.rule.label[:58]:<60}{'–':>9}{'không có dữ liệu':>17}  "
                      f"({s.why})")
                continue
            print(f"  {(s.rule.label + mark)[:58]:<60}{fmt.percent(s.rate):>9}"
                  f"{fmt.decimal(s.points, 2):>9}{fmt.decimal(s.rule.cap, 1):>8}")
    print(unescape(render("index766_total.j2", card=card, html=False)).strip())
    if any(s.rule.sure == "not_reproduced" for s in card.scores):
        print(f"* {SURE['not_reproduced']}: tính theo phương pháp năm 2022.")
    if losses := card.losses()[:2]:
        print(unescape(render("index766_loss.j2", losses=losses)).strip())
    return 0


def _reconcile(args) -> int:
    from ..analysis.reconcile import portal_shape, reconcile, write_differences
    from ..core import fmt
    from ..core.errors import InputError
    from ..core.paths import regular_file
    from ..core.periods import parse_period
    from ..rules.policy import load_policy

    period = parse_period(args.period)
    regular_file(Path(args.portal), "tệp của Cổng DVCQG")
    if args.out and Path(args.out).is_dir():
        raise InputError("out_is_folder", path=args.out)
    if portal_shape(Path(args.portal)) == "counts":
        return _reconcile_counts(args, period)
    ds = _open(args)
    try:
        rec = reconcile(ds, Path(args.portal), period, load_policy(args.policy))
    finally:
        ds.close()
    if args.json:
        print(json.dumps(rec.to_json(), ensure_ascii=False, indent=2))
    else:
        w = rec.window
        print(f"Đối chiếu {period.label_vi}: kỳ báo cáo {fmt.day(period.start)}–"
              f"{fmt.day(period.end)}; Cổng DVCQG tính {fmt.day(w[0])}–{fmt.day(w[1])}.")
        print("Hồ sơ khác nhau theo nguyên nhân:")
        for key, label in rec.causes.items():
            print(f"  {fmt.number(rec.counts[key]):>9}  {label}")
        print(f"{'Bước':<70}{'Tỷ lệ đúng hạn':>16}{'Tỷ lệ trực tuyến':>18}")
        for s in rec.steps:
            print(f"{s.cause[:69]:<70}{fmt.percent(s.on_time):>16}{fmt.percent(s.online):>18}")
    if args.out:
        path = write_differences(rec, Path(args.out))
        print(f"Danh sách hồ sơ khác nhau (mã và ngày, không có dữ liệu cá nhân): {path}",
              file=sys.stderr)
    return 0


def _reconcile_counts(args, period) -> int:
    """`tthc reconcile` against the portal's statistics (counts per unit or procedure)."""
    from ..analysis.reconcile import CountRow, reconcile_counts
    from ..core import fmt
    from ..rules.policy import load_policy

    ds = _open(args)
    try:
        rows = reconcile_counts(ds, Path(args.portal), period, load_policy(args.policy))
    finally:
        ds.close()
    if args.json:
        print(json.dumps([{"key": r.key, "province": r.province, "calendar_window": r.calendar,
                           "paused_as_finished": r.paused, "portal": r.portal} for r in rows],
                         ensure_ascii=False, indent=2))
        return 0
    window = period.calendar()
    w = (window.start, window.end)
    print(f"Đối chiếu số liệu {period.label_vi} với thống kê của Cổng DVCQG (Cổng tính "
          f"{fmt.day(w[0])}–{fmt.day(w[1])}). Mỗi dòng: tiếp nhận / tỷ lệ đúng hạn.")
    print(f"{'Đơn vị / thủ tục':<40}{'Kỳ báo cáo':>20}{'Tháng dương lịch':>20}"
          f"{'+ đang chờ, tạm dừng':>20}{'Cổng DVCQG':>20}{'Chưa tách được':>16}")
    for r in rows:
        cells = [f"{fmt.number(c.get('received', 0))} / {fmt.percent(CountRow.rate(c))}"
                 for c in (r.province, r.calendar, r.paused, r.portal)]
        rest = r.portal.get("received", 0) - r.paused.get("received", 0)
        print(f"{r.key[:39]:<40}" + "".join(f"{c:>20}" for c in cells) + f"{rest:>+16,}"
              .replace(",", "."))
    print("Chưa tách được: hồ sơ tiếp nhận chênh lệch còn lại (chưa đồng bộ, ngày khác nhau…) — "
          "cần danh sách hồ sơ của Cổng để giải thích từng hồ sơ.")
    return 0


def _inspect(args) -> int:
    from ..engine.inspect import inspect_file, render_text

    report = inspect_file(args.data, sheet=args.sheet, profile=args.profile,
                          catalog=args.catalog, policy=args.policy, period=args.period)
    if args.json:
        print(json.dumps(report, ensure_ascii=False, indent=2, default=str))
    else:
        print(render_text(report))
    return 0 if report["usable"] else 2


def _sample(args) -> int:
    from ..core.paths import workspace
    from ..run.workspace import write_samples

    write_samples(Path(args.out) if args.out else workspace() / "data" / "samples", args.keys)
    return 0


def _outputs(given: str | None) -> Path:
    """Return the outputs folder as an absolute path, resolved once against the workspace
    (the folder the command runs in)."""
    from ..core.errors import InputError
    from ..core.paths import outputs

    folder = Path(given).resolve() if given else outputs().resolve()
    if folder.exists() and not folder.is_dir():
        raise InputError("out_not_folder", path=given or str(folder))
    return folder


def _report(args) -> int:
    from ..run.render import render_report

    t = time.perf_counter()
    out = render_report(args.params, outputs=_outputs(args.out),
                        say=lambda m: print(m, file=sys.stderr, flush=True),
                        strict=args.strict, pdf=args.pdf)
    from ..run.batch import write_index

    write_index(out.folder.parent.parent)
    files = [out.html, out.xlsx] + ([out.pdf] if args.pdf else [])
    print(f"{', '.join(map(str, files))} ({time.perf_counter() - t:.1f} s)")
    return 0


def _batch(args) -> int:
    from ..run.batch import find_params, run_batch
    if args.pdf:
        from ..run.pdf import find_chromium

        find_chromium()  # one clear message instead of one failure per unit
    files = find_params(Path(args.params), args.period)
    if not files:
        print(f"Không có tệp tham số nào cho kỳ {args.period} trong '{args.params}'.",
              file=sys.stderr)
        return 2
    outcomes = run_batch(files, _outputs(args.out), workers=args.workers, pdf=args.pdf,
                         strict=args.strict, scheduler=args.scheduler)
    return 0 if all(o.ok for o in outcomes) else 1


def _rollup(args) -> int:
    from ..analysis.rollup import collect
    from ..core.paths import workspace
    from ..report.spec import load_spec

    spec = load_spec(Path(args.params))
    if not spec.members:
        from ..core.errors import InputError

        raise InputError("rollup_no_members", path=args.params)
    ru = collect(list(spec.members), spec.period, _outputs(args.out), spec.inbox,
                 base=workspace())
    if spec.data is not None:  # the unit's own dossiers: each member checked against them
        from ..engine import run
        from ..report.build import open_spec_data
        from ..rules.policy import load_policy

        ds = open_spec_data(spec)
        try:
            ru.check_against(run(ds, load_policy(spec.policy), spec.period).results.by_agency)
        finally:
            ds.close()
    if args.json:
        print(json.dumps({"unit": {"slug": spec.unit.slug, "name": spec.unit.name}}
                         | ru.to_json(), ensure_ascii=False, indent=2))
        return 0 if ru.ok else 1
    from ..core import fmt

    print(f"{spec.unit.name} — {ru.summary()}")
    width = max(len(m.member.name) for m in ru.members) + 2
    for m in ru.members:
        mark = "✓" if m.status == "received" else "✗"
        shown = m.to_json(ru.base)
        where = shown["file"] or ", ".join(shown["files"])
        figures = ""
        if m.counted:
            v = m.used.values
            figures = (f"  (3) {fmt.number(v['received_total'])}, "
                       f"(7) {fmt.number(v['resolved_total'])}")
        print(f"  {mark} {m.member.name:<{width}}{m.label:<20}{where}{figures}")
        for p in m.problems + m.differences:
            print(f"      - {p}")
    for f, why in ru.unknown_why().items():
        print(f"  ? {f}: {why}")
    return 0 if ru.ok else 1


def _params_new(args) -> int:
    from ..report.scaffold import write_params

    out = write_params(args.unit, args.period, args.data, Path(args.out) if args.out else None,
                       args.name, args.short_name)
    print(f"{out}: mở tệp, bỏ dấu # ở các số liệu và đoạn văn cần dùng, rồi chạy "
          f"`tthc report {out}`.")
    return 0


def _schema(args) -> int:
    from ..report.scaffold import json_schema

    print(json.dumps(json_schema(), ensure_ascii=False, indent=2))
    return 0


def _html(args) -> int:
    """Export a notebook executed by papermill to the report's one self-contained page."""
    import nbformat

    from ..core.errors import InputError
    from ..core.paths import regular_file
    from ..run.render import export_html

    src = regular_file(Path(args.notebook), "notebook đã chạy")
    try:
        nb = nbformat.read(src, as_version=4)
    except Exception:  # noqa: BLE001 — any unreadable notebook: one sentence
        raise InputError("not_a_notebook", path=src) from None
    out = Path(args.out) if args.out else src.with_suffix(".html")
    out.write_text(export_html(nb), encoding="utf-8")
    print(out)
    return 0


def _explore(args) -> int:
    import re

    from ..core.paths import resource, workspace
    from ..report.spec import load_spec

    spec = load_spec(Path(args.params))
    out = workspace() / "notebooks" / f"explore-{spec.unit.slug}-{spec.period.code}.py"
    if not out.exists():
        text = (resource("notebooks") / "explore.py").read_text(encoding="utf-8")
        text = re.sub(r'(?m)^params_path: str = "".*$', lambda _: f"params_path: str = "
                      f"{str(Path(args.params).resolve())!r}", text, count=1)
        text = re.sub(r'(?m)^workspace: str = "".*$', lambda _: f"workspace: str = "
                      f"{str(workspace())!r}", text, count=1)
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(text, encoding="utf-8")
    print(f"{out}\nMở trong JupyterLab: jupyter lab {out} (bản sao của bạn, sửa thoải mái).")
    return 0


def _init(args) -> int:
    from ..run.workspace import init

    folder = Path(args.folder)
    created = init(folder, with_sample=args.sample)
    for path in created:
        print(f"  tạo {path}")
    print(f"Thư mục làm việc: {folder.resolve()}. Xem {folder / 'README.md'}; chạy các lệnh "
          f"`tthc` trong thư mục đó (cd {folder}).")
    return 0


def _clean_samples(args) -> int:
    from ..core.paths import outputs, workspace
    from ..run.batch import write_index
    from ..run.workspace import clean_samples

    removed = clean_samples(workspace())
    if removed and outputs().is_dir():
        write_index(outputs())
    print(f"Đã xoá {len(removed)} mục do công cụ tạo; dữ liệu và báo cáo của bạn giữ nguyên.")
    return 0


def _positive(text: str) -> int:
    """An argparse type: a whole number from 1 up."""
    try:
        n = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"giá trị '{text}' không phải số nguyên") from None
    if n < 1:
        raise argparse.ArgumentTypeError(f"cần một số nguyên từ 1 trở lên, gặp '{text}'")
    return n


def _rules_args(p) -> None:
    p.add_argument("--profile", metavar="HỒ_SƠ_NGUỒN",
                   help="hồ sơ nguồn: canonical, dvcqg, ds-tinh, igate-utc hoặc "
                   "tệp YAML (mặc định: nhận ra từ tiêu đề cột)")
    p.add_argument("--catalog", metavar="DANH_MỤC",
                   help="danh mục cơ quan → cấp, thủ tục → lĩnh vực (YAML/CSV)")
    p.add_argument("--policy", metavar="CHÍNH_SÁCH",
                   help="chính sách đếm: tt01 (mặc định), dates-only, opencps "
                   "hoặc tệp YAML")


def _examples(*lines: str) -> str:
    return "ví dụ:\n" + "\n".join(f"  {line}" for line in lines)


def _out(p, what: str) -> None:
    # one flag everywhere for where a command writes
    p.add_argument("-o", "--out", metavar="THƯ_MỤC", help=what)


def parser() -> argparse.ArgumentParser:
    """Return the argument parser of the `tthc` command (Vietnamese throughout)."""
    from ..core.version import tool_version
    from .argparse_vi import Parser

    p = Parser(prog="tthc", description="Báo cáo kiểm soát TTHC, một cửa, một cửa liên thông "
               "theo Thông tư 01/2020/TT-VPCP, từ tệp hồ sơ xuất từ Hệ thống giải quyết TTHC.",
               epilog=_examples("tthc init bao-cao --sample && cd bao-cao",
                                "tthc report params/bac-giang/2023-Q3.yaml --pdf",
                                "tthc report --help   # hướng dẫn và ví dụ của từng lệnh"))
    p.add_argument("-V", "--version", action="version", version=f"tthc {tool_version()}",
                   help="in phiên bản rồi thoát")
    p.add_argument("-C", "--workspace", metavar="THƯ_MỤC", help="thư mục làm việc (mặc định: "
                   "thư mục hiện tại); mọi đường dẫn tương đối tính từ đây")
    sub = p.add_subparsers(dest="command", required=True, title="lệnh", metavar="LỆNH",
                           parser_class=Parser)

    def command(name: str, help: str, *examples: str):
        return sub.add_parser(name, help=help, description=help[0].upper() + help[1:] + ".",
                              epilog=_examples(*examples) if examples else None)

    it = command("init", "tạo thư mục làm việc: params/, data/, outputs/, notebooks/, README",
                 "tthc init bao-cao --sample", "tthc init .")
    it.add_argument("folder", nargs="?", default=".", metavar="THƯ_MỤC",
                    help="thư mục (mặc định: hiện tại)")
    it.add_argument("--sample", action="store_true", help="kèm dữ liệu và tham số mẫu")
    it.set_defaults(func=_init)
    c = command("compute", "tính các chỉ tiêu từ tệp hồ sơ",
                "tthc compute data/samples/bac-giang-2023-Q3.csv -p 2023-Q3",
                "tthc compute data/samples/bac-kan-stp-2023.csv -p 2023 --json > chi-tieu.json")
    c.add_argument("data", metavar="TỆP_HỒ_SƠ", nargs="+",
                   help="tệp hồ sơ: CSV, XLSX hoặc Parquet; nhiều tệp (nhiều hệ thống của một "
                        "tỉnh) được gộp, mỗi hồ sơ tính một lần theo bản ghi mới nhất")
    c.add_argument("-p", "--period", required=True, metavar="KỲ",
                   help="kỳ: 2023-Q3, 2023-H1, 2023, "
                   "Quý III/2023 hoặc 2023-07-01..2023-09-30")
    c.add_argument("--json", action="store_true", help="in JSON thay cho bảng")
    c.add_argument("-s", "--sheet", metavar="TRANG", help="tên trang tính (XLSX)")
    c.add_argument("--strict", action="store_true", help="dòng có ngày không hợp lý là lỗi")
    _rules_args(c)
    c.set_defaults(func=_compute)
    sc7 = command("score", "tính Bộ chỉ số phục vụ người dân, doanh nghiệp (Quyết định "
                  "766/QĐ-TTg) từ tệp hồ sơ và số liệu trong tệp tham số",
                  "tthc score data/samples/bac-giang-2023-Q3.csv -p 2023-Q3",
                  "tthc score data/samples/bac-giang-2023-Q3.csv -p 2023-Q3 "
                  "--params params/bac-giang/2023-Q3.yaml")
    sc7.add_argument("data", metavar="TỆP_HỒ_SƠ", nargs="*",
                     help="tệp hồ sơ: CSV, XLSX hoặc Parquet; nhiều tệp được gộp như tthc "
                          "compute; bỏ trống thì dùng data: của tệp tham số")
    sc7.add_argument("-p", "--period", required=True, metavar="KỲ", help="kỳ, ví dụ 2023-Q3")
    sc7.add_argument("--params", metavar="TỆP_THAM_SỐ",
                     help="tệp tham số có figures: và index766: (số liệu không có trong tệp hồ sơ)")
    sc7.add_argument("--json", action="store_true", help="in JSON thay cho bảng")
    sc7.add_argument("--scope", choices=("tinh", "xa"),
                     help="cấp đơn vị được chấm: tinh (tỉnh, sở, ngành) hoặc xa (xã, phường, "
                          "đặc khu: bỏ các chỉ số chỉ áp dụng cấp tỉnh); mặc định theo "
                          "unit.kind của tệp tham số")
    sc7.add_argument("-s", "--sheet", metavar="TRANG", help="tên trang tính (XLSX)")
    _rules_args(sc7)
    sc7.set_defaults(func=_score)
    rc = command("reconcile", "đối chiếu tệp hồ sơ của tỉnh với danh sách hồ sơ trên Cổng "
                 "DVCQG: mỗi hồ sơ khác nhau một nguyên nhân, và tỷ lệ đúng hạn, trực tuyến "
                 "thay đổi thế nào theo từng nguyên nhân",
                 "tthc reconcile data/samples/bac-giang-2023-Q3.csv "
                 "--portal data/samples/bac-giang-2023-Q3-cong-dvcqg.csv -p 2023-Q3",
                 "tthc reconcile data/samples/bac-giang-2023-Q3.csv "
                 "--portal data/samples/bac-giang-2023-Q3-cong-dvcqg.csv -p 2023-Q3 "
                 "-o outputs/khac-nhau.xlsx")
    rc.add_argument("data", metavar="TỆP_HỒ_SƠ", help="tệp hồ sơ của tỉnh")
    rc.add_argument("--portal", required=True, metavar="TỆP_CỔNG",
                    help="danh sách hồ sơ xuất từ Cổng DVCQG: mã hồ sơ, trạng thái, ngày tiếp "
                    "nhận, hẹn trả, kết thúc xử lý (kênh nộp nếu có)")
    rc.add_argument("-p", "--period", required=True, metavar="KỲ", help="kỳ, ví dụ 2023-Q3")
    rc.add_argument("-o", "--out", metavar="TỆP", help="ghi các hồ sơ khác nhau ra XLSX")
    rc.add_argument("--json", action="store_true", help="in JSON thay cho bảng")
    rc.add_argument("-s", "--sheet", metavar="TRANG", help="tên trang tính (XLSX)")
    _rules_args(rc)
    rc.set_defaults(func=_reconcile)
    i = command("inspect", "tệp này có dùng được không, và sẽ được đọc thế nào",
                "tthc inspect data/samples/yen-bai-2023-Q3.xlsx",
                "tthc inspect data/samples/bac-giang-2023-Q3.csv --json")
    i.add_argument("data", metavar="TỆP_HỒ_SƠ", help="tệp hồ sơ: CSV, XLSX hoặc Parquet")
    i.add_argument("-s", "--sheet", metavar="TRANG", help="tên trang tính (XLSX)")
    i.add_argument("-p", "--period", metavar="KỲ",
                   help="kỳ để đếm thử như tthc compute (mặc định: năm của ngày tiếp nhận "
                        "muộn nhất trong tệp)")
    i.add_argument("--json", action="store_true", help="in JSON thay cho văn bản")
    _rules_args(i)
    i.set_defaults(func=_inspect)
    pa = command("params", "tệp tham số của một đơn vị",
                 "tthc params new yen-bai 2023-Q4 --data data/yen-bai-2023-Q4.xlsx")
    psub = pa.add_subparsers(dest="params_command", required=True, title="lệnh",
                             metavar="LỆNH", parser_class=Parser)
    pn = psub.add_parser("new", help="tạo tệp tham số mới có chú thích mọi khóa và số liệu",
                         epilog=_examples("tthc params new yen-bai 2024-Q1 --data "
                                          "data/yen-bai-2024-Q1.xlsx --name 'UBND tỉnh Yên "
                                          "Bái' --short-name 'tỉnh Yên Bái'"))
    pn.add_argument("unit", metavar="ĐƠN_VỊ", help="mã đơn vị (tên thư mục), ví dụ yen-bai")
    pn.add_argument("period", metavar="KỲ", help="kỳ báo cáo, ví dụ 2023-Q3 hoặc Quý III/2023")
    pn.add_argument("--data", required=True, metavar="TỆP_HỒ_SƠ", help="tệp hồ sơ của kỳ")
    pn.add_argument("--name", metavar="TÊN", help="cơ quan báo cáo, ví dụ 'UBND tỉnh Yên Bái'")
    pn.add_argument("--short-name", metavar="TÊN_NGẮN",
                    help="tên dùng trong câu, ví dụ 'tỉnh Yên Bái'")
    pn.add_argument("-o", "--out", metavar="TỆP",
                    help="đường dẫn tệp (mặc định params/<đơn vị>/<kỳ>.yaml)")
    pn.set_defaults(func=_params_new)
    sc = command("schema", "in JSON Schema của tệp tham số (cho trình soạn thảo)",
                 "tthc schema > params.schema.json")
    sc.set_defaults(func=_schema)
    s = command("sample", "tạo dữ liệu hồ sơ mẫu (mặc định: mọi mẫu đi kèm)",
                "tthc sample", "tthc sample bac-giang-2023-Q3 -o data/mau")
    s.add_argument("keys", nargs="*", metavar="MẪU", help="mẫu cần tạo, ví dụ bac-giang-2023-Q3")
    _out(s, "thư mục ghi (mặc định: data/samples)")
    s.set_defaults(func=_sample)
    cl = command("clean-samples", "xoá dữ liệu mẫu và báo cáo của các đơn vị mẫu (không "
                 "đụng tới dữ liệu, tham số, báo cáo của bạn)", "tthc clean-samples")
    cl.set_defaults(func=_clean_samples)
    r = command("report", "tạo báo cáo (HTML, XLSX, và PDF với --pdf) từ một tệp tham số",
                "tthc report params/bac-giang/2023-Q3.yaml",
                "tthc report params/bac-giang/2023-Q3.yaml --pdf -o chia-se")
    r.add_argument("params", metavar="TỆP_THAM_SỐ",
                   help="tệp tham số YAML, ví dụ params/bac-giang/2023-Q3.yaml")
    r.add_argument("--strict", action="store_true", help="kiểm tra số liệu không đạt là lỗi")
    _out(r, "thư mục kết quả (mặc định: outputs/)")
    r.add_argument("--pdf", action="store_true", help="in thêm report.pdf (cần Chromium)")
    r.set_defaults(func=_report)
    ru = command("rollup", "tình hình nhận báo cáo của các đơn vị thành viên (members: trong tệp "
                 "tham số): đã nhận, chưa gửi, số liệu không khớp (nêu số cột của biểu), sai "
                 "kỳ, nhiều tệp; mã thoát 1 khi còn đơn vị chưa gửi hoặc không khớp",
                 "tthc rollup params/thai-nguyen-moi/2026-Q3.yaml || echo 'còn đơn vị chưa "
                 "gửi hoặc không khớp'",
                 "tthc rollup params/thai-nguyen-moi/2026-Q3.yaml --json > tong-hop.json || "
                 "true")
    ru.add_argument("params", metavar="TỆP_THAM_SỐ",
                    help="tệp tham số của đơn vị tổng hợp, có members:")
    ru.add_argument("--json", action="store_true", help="in JSON thay cho bảng")
    _out(ru, "thư mục kết quả chứa results.json của các đơn vị (mặc định: outputs/)")
    ru.set_defaults(func=_rollup)
    b = command("batch", "tạo báo cáo cho mọi đơn vị của một kỳ",
                "tthc batch params/ -p 2023-Q3 --pdf", "tthc batch params/ -w 2",
                "tthc batch params/ -p 2023-Q3 --scheduler tcp://may-chu:8786   # cần cụm Dask")
    b.add_argument("params", metavar="THƯ_MỤC_THAM_SỐ", help="thư mục tham số, ví dụ params/")
    b.add_argument("-p", "--period", metavar="KỲ", help="chỉ các tệp của kỳ này, ví dụ 2023-Q3")
    b.add_argument("-w", "--workers", type=_positive, metavar="SỐ",
                   help="số tiến trình (mặc định: số lõi CPU)")
    b.add_argument("--pdf", action="store_true", help="in thêm report.pdf (cần Chromium)")
    b.add_argument("--strict", action="store_true", help="kiểm tra số liệu không đạt là lỗi")
    _out(b, "thư mục kết quả (mặc định: outputs/)")
    b.add_argument("--scheduler", metavar="ĐỊA_CHỈ",
                   help="chạy trên cụm Dask distributed, ví dụ tcp://may-chu:8786 (mọi máy "
                   "thấy cùng đường dẫn params, data, outputs)")
    b.set_defaults(func=_batch)
    ex = command("explore", "chép notebook khám phá số liệu của một đơn vị vào notebooks/ "
                 "(hồ sơ quá hạn theo cơ quan, lĩnh vực, theo tuần; so sánh hai cơ quan)",
                 "tthc explore params/bac-giang/2023-Q3.yaml",
                 "jupyter lab notebooks/explore-bac-giang-2023-Q3.py")
    ex.add_argument("params", metavar="TỆP_THAM_SỐ", help="tệp tham số YAML của đơn vị và kỳ")
    ex.set_defaults(func=_explore)
    h = command("html", "xuất một notebook báo cáo đã chạy bằng papermill thành một trang HTML "
                "(như tthc report: không mã, không tải gì từ mạng)",
                "papermill notebooks/report.ipynb outputs/bac-giang.ipynb -p params_path "
                "params/bac-giang/2023-Q3.yaml",
                "tthc html outputs/bac-giang.ipynb")
    h.add_argument("notebook", metavar="NOTEBOOK", help="notebook đã chạy (.ipynb)")
    h.add_argument("-o", "--out", metavar="TỆP", help="tệp HTML (mặc định: cạnh notebook)")
    h.set_defaults(func=_html)
    return p


def main(argv: list[str] | None = None) -> int:
    """Run the command line; return the exit code (2 for bad input, 1 for other failures)."""
    from ..core.errors import InputError
    from ..core.periods import PeriodError
    from ..core.signals import install

    args = parser().parse_args(argv)
    install()
    try:
        _enter(args.workspace)
        _from_workspace(args)
        return args.func(args)
    except (InputError, PeriodError) as exc:
        print(f"Lỗi: {exc}", file=sys.stderr)
        return 2
    except BrokenPipeError:  # `tthc compute … | head`
        return 0
    except KeyboardInterrupt as exc:
        return _stopped(exc)
    except Exception as exc:  # RenderError and anything unexpected: one line, no traceback
        name = type(exc).__name__
        print(f"Lỗi ({name}): {exc}", file=sys.stderr)
        return 1


def _enter(folder: str | None) -> None:
    """Run in the workspace `folder` (`--workspace`): relative paths are taken from it."""
    import os

    from ..core.errors import InputError

    if folder is None:
        return
    if not Path(folder).is_dir():
        raise InputError("workspace_missing", folder=folder)
    os.chdir(folder)


def _from_workspace(args) -> None:
    """Take a file argument that is not in the current folder from the workspace above it
    (`tthc report params/x/2023-Q3.yaml` from notebooks/ or data/), as the notebooks do."""
    from ..core.paths import user_path

    def found(value):
        if isinstance(value, list):
            return [found(v) for v in value]
        return str(user_path(value)) if isinstance(value, str) and value and \
            user_path(value).exists() else value

    for name in ("params", "data", "portal", "notebook", "catalog", "profile", "policy"):
        if getattr(args, name, None) is not None:
            setattr(args, name, found(getattr(args, name)))


def _stopped(exc: KeyboardInterrupt) -> int:
    """Say what an interrupted command left behind, then keep the rest of shutdown quiet
    (the browser driver and kernels, stopped by the same signal, complain on stderr)."""
    import os

    from ..core.signals import Interrupted

    stop = exc if isinstance(exc, Interrupted) else Interrupted()
    render = sys.modules.get("tthc_lib.run.render")
    if render is not None:  # whatever moment the signal came, no staging folder stays
        render.remove_staging()
    print(stop.message or f"Đã dừng ({stop.how}): không có tệp nào bị ghi dở; mỗi báo cáo "
          "hoặc là bản cũ, hoặc là bản mới đầy đủ.", file=sys.stderr, flush=True)
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 2)
    return stop.exit_code


if __name__ == "__main__":
    sys.exit(main())
