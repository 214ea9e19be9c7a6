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
    """Return the Dataset of the command's DATA, read with --profile and --catalog."""
    from .catalog import load_catalog
    from .engine import open_dataset
    from .profiles import load_profile

    profile = load_profile(args.profile) if args.profile else None
    return open_dataset(args.data, sheet=args.sheet, profile=profile,
                        catalog=load_catalog(args.catalog))


def _compute(args) -> int:
    from . import fmt
    from .engine import data_errors, run
    from .errors import InputError
    from .periods import parse_period
    from .policy import load_policy
    from .registry import INDICATORS
    from .schema import LEVEL_LABELS

    period = parse_period(args.period)
    policy = load_policy(args.policy)
    ds = _open(args)
    try:
        r = run(ds, policy, period)
    finally:
        ds.close()
    results = r.results
    errors = data_errors(r.excluded, r.excluded_rows)
    if errors and args.strict:
        raise InputError("Chế độ --strict: dữ liệu có dòng lỗi:\n"
                         + "\n".join(f"  - {e}" for e in errors))
    for e in errors:
        print(f"Cảnh báo: không tính {e}.", file=sys.stderr)
    if args.json:
        out = results.to_json() | {"policy": policy.name, "by_status": r.by_status}
        print(json.dumps(out, ensure_ascii=False, indent=2))
        return 0
    levels = list(results.by_level)
    head = f"{'Chỉ tiêu':<52}{'Toàn bộ':>12}" + "".join(
        f"{LEVEL_LABELS[lv]:>12}" for lv in levels)
    print(f"Kỳ {period.label_vi}: {fmt.day(period.start)} – {fmt.day(period.end)}; "
          f"chính sách đếm {policy.name}")
    print(head)
    print("-" * len(head))
    for ind in (i for i in INDICATORS if i.source == "data"):
        show = fmt.percent if ind.kind == "ratio" else fmt.number
        cells = [results.indicators[ind.id]] + [results.by_level[lv][ind.id] for lv in levels]
        print(f"{ind.label_vi[:51]:<52}" + "".join(f"{show(c):>12}" for c in cells))
    return 0


def _inspect(args) -> int:
    from .inspect import inspect_file, render_text

    report = inspect_file(args.data, sheet=args.sheet, profile=args.profile,
                          catalog=args.catalog, policy=args.policy)
    if args.json:
        print(json.dumps(report, ensure_ascii=False, indent=2, default=str))
    else:
        print(render_text(report))
    return 0 if report["usable"] else 2


def _sample(args) -> int:
    from . import sample, sample_shapes
    from .errors import InputError
    from .paths import ROOT

    known = [*sample.PROFILES, sample.MESSY_KEY, *sample_shapes.SHAPES]
    keys = args.keys or known
    for key in keys:
        if key not in known:
            raise InputError(f"Không có mẫu '{key}'. Có: {', '.join(known)}")
        t = time.perf_counter()
        folder = Path(args.out) if args.out else ROOT / "data" / "samples"
        if key == sample.MESSY_KEY:
            out = sample.write_messy(sample.MESSY, folder / f"{key}.xlsx")
        elif key in sample_shapes.SHAPES:
            out = sample_shapes.write_shape(sample_shapes.SHAPES[key], folder)
        else:
            out = sample.write(sample.PROFILES[key], folder / f"{key}.csv")
        print(f"{out} ({time.perf_counter() - t:.1f} s)")
    return 0


def _outputs(given: str | None, default: Path) -> Path:
    """Return the outputs folder as an absolute path, resolved once against the folder the
    command was run in (the notebook runs elsewhere)."""
    return Path(given).resolve() if given else default


def _report(args) -> int:
    from .paths import OUTPUTS
    from .render import render_report

    t = time.perf_counter()
    out = render_report(args.params, outputs=_outputs(args.outputs, OUTPUTS),
                        strict=args.strict, pdf=args.pdf)
    files = [out.html, out.xlsx] + ([out.pdf] if args.pdf else [])
    print(f"{', '.join(map(str, files))} ({time.perf_counter() - t:.1f} s)")
    return 0


def _batch(args) -> int:
    from .batch import find_params, run_batch
    from .paths import OUTPUTS

    if args.pdf:
        from .pdf import find_chromium

        find_chromium()  # one clear message instead of one failure per unit
    files = find_params(Path(args.params), args.period)
    if not files:
        print(f"Không có tệp tham số nào cho kỳ {args.period} trong '{args.params}'.",
              file=sys.stderr)
        return 2
    outcomes = run_batch(files, _outputs(args.outputs, OUTPUTS),
                         workers=args.workers, pdf=args.pdf, strict=args.strict)
    return 0 if all(o.ok for o in outcomes) else 1


def _params_new(args) -> int:
    from .scaffold import write_params

    out = write_params(args.unit, args.period, args.data, Path(args.out) if args.out else None,
                       args.name, args.short_name)
    print(f"{out}: mở tệp, bỏ dấu # ở các số liệu và đoạn văn cần dùng, rồi chạy "
          f"`tthc report {out}`.")
    return 0


def _schema(args) -> int:
    from .scaffold import json_schema

    print(json.dumps(json_schema(), ensure_ascii=False, indent=2))
    return 0


def _rules_args(p) -> None:
    p.add_argument("--profile", help="hồ sơ nguồn: canonical, dvcqg, ds-tinh, igate-utc hoặc "
                   "tệp YAML (mặc định: nhận ra từ tiêu đề cột)")
    p.add_argument("--catalog", help="danh mục cơ quan → cấp, thủ tục → lĩnh vực (YAML/CSV)")
    p.add_argument("--policy", help="chính sách đếm: tt01 (mặc định), dates-only, opencps "
                   "hoặc tệp YAML")


def parser() -> argparse.ArgumentParser:
    """Return the argument parser of the `tthc` command."""
    p = argparse.ArgumentParser(prog="tthc", description="Báo cáo kiểm soát TTHC, một cửa, "
                                "một cửa liên thông theo Thông tư 01/2020/TT-VPCP.")
    sub = p.add_subparsers(dest="command", required=True)
    c = sub.add_parser("compute", help="tính các chỉ tiêu từ tệp hồ sơ")
    c.add_argument("data", help="tệp hồ sơ: CSV, XLSX hoặc Parquet")
    c.add_argument("--period", required=True, help="2023-Q3, 2023-H1, 2023 hoặc A..B")
    c.add_argument("--json", action="store_true", help="in JSON thay cho bảng")
    c.add_argument("--sheet", help="tên trang tính (XLSX)")
    c.add_argument("--strict", action="store_true", help="dòng có ngày không hợp lý là lỗi")
    _rules_args(c)
    c.set_defaults(func=_compute)
    i = sub.add_parser("inspect", help="tệp này có dùng được không, và sẽ được đọc thế nào")
    i.add_argument("data", help="tệp hồ sơ: CSV, XLSX hoặc Parquet")
    i.add_argument("--sheet", help="tên trang tính (XLSX)")
    i.add_argument("--json", action="store_true", help="in JSON thay cho văn bản")
    _rules_args(i)
    i.set_defaults(func=_inspect)
    pa = sub.add_parser("params", help="tệp tham số của một đơn vị")
    psub = pa.add_subparsers(dest="params_command", required=True)
    pn = psub.add_parser("new", help="tạo tệp tham số mới có chú thích mọi khóa và số liệu")
    pn.add_argument("unit", help="mã đơn vị (tên thư mục), ví dụ yen-bai")
    pn.add_argument("period", help="kỳ báo cáo, ví dụ 2023-Q3 hoặc Quý III/2023")
    pn.add_argument("--data", required=True, help="tệp hồ sơ của kỳ")
    pn.add_argument("--name", help="cơ quan báo cáo, ví dụ 'UBND tỉnh Yên Bái'")
    pn.add_argument("--short-name", help="tên dùng trong câu, ví dụ 'tỉnh Yên Bái'")
    pn.add_argument("--out", help="đường dẫn tệp (mặc định params/<đơn vị>/<kỳ>.yaml)")
    pn.set_defaults(func=_params_new)
    sc = sub.add_parser("schema", help="in JSON Schema của tệp tham số (cho trình soạn thảo)")
    sc.set_defaults(func=_schema)
    s = sub.add_parser("sample", help="tạo dữ liệu hồ sơ mẫu (mặc định: mọi mẫu đi kèm)")
    s.add_argument("keys", nargs="*", help="mẫu cần tạo, ví dụ bac-giang-2023-Q3")
    s.add_argument("--out", help="thư mục ghi (mặc định: data/samples)")
    s.set_defaults(func=_sample)
    r = sub.add_parser("report", help="tạo báo cáo HTML từ một tệp tham số")
    r.add_argument("params", help="tệp tham số YAML, ví dụ params/bac-giang/2023-Q3.yaml")
    r.add_argument("--strict", action="store_true", help="kiểm tra số liệu không đạt là lỗi")
    r.add_argument("--outputs", help="thư mục kết quả (mặc định: outputs/)")
    r.add_argument("--pdf", action="store_true", help="in thêm report.pdf (cần Chromium)")
    r.set_defaults(func=_report)
    b = sub.add_parser("batch", help="tạo báo cáo cho mọi đơn vị của một kỳ")
    b.add_argument("params", help="thư mục tham số, ví dụ params/")
    b.add_argument("--period", help="chỉ các tệp của kỳ này, ví dụ 2023-Q3")
    b.add_argument("--workers", type=int, help="số tiến trình (mặc định: số lõi CPU)")
    b.add_argument("--pdf", action="store_true", help="in thêm report.pdf (cần Chromium)")
    b.add_argument("--strict", action="store_true", help="kiểm tra số liệu không đạt là lỗi")
    b.add_argument("--outputs", help="thư mục kết quả (mặc định: outputs/)")
    b.set_defaults(func=_batch)
    return p


def main(argv: list[str] | None = None) -> int:
    """Run the command line; return the exit code (2 for bad input, 1 for other failures)."""
    from .errors import InputError
    from .periods import PeriodError
    from .signals import install

    args = parser().parse_args(argv)
    install()
    try:
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


def _stopped(exc: KeyboardInterrupt) -> int:
    """Say what an interrupted command left behind, then keep the rest of shutdown quiet
    (the browser driver and kernels, stopped by the same signal, complain on stderr)."""
    import os

    from .signals import Interrupted

    stop = exc if isinstance(exc, Interrupted) else Interrupted()
    print(stop.message or f"Đã dừng ({stop.how}): không có tệp nào bị ghi dở; mỗi báo cáo "
          "hoặc là bản cũ, hoặc là bản mới đầy đủ.", file=sys.stderr, flush=True)
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 2)
    return stop.exit_code


if __name__ == "__main__":
    sys.exit(main())
