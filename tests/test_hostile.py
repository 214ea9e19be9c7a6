"""Hostile and careless input: each case ends in the right figures or one clean Vietnamese
refusal (exit 2), nothing written outside the outputs folder, no personal value shown."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from datetime import UTC, datetime
from pathlib import Path

import pytest

from tests.conftest import dossier, write_csv
from tthc_lib.core.errors import InputError, Problem
from tthc_lib.core.periods import PeriodError, parse_period
from tthc_lib.core.schema import is_personal_header
from tthc_lib.core.text import MASK, display, mask
from tthc_lib.engine.load import load
from tthc_lib.report.spec import load_spec

ROOT = Path(__file__).parent.parent
UNIT = "unit: {slug: d, name: UBND tỉnh D, short_name: tỉnh D}\nperiod: 2023-Q3\n"


def tthc(*args: str, cwd: Path | None = None, timeout: int = 120, **kw):
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run([sys.executable, "-m", "tthc_lib.cli", *args], capture_output=True,
                          text=True, timeout=timeout, cwd=cwd, env=env, **kw)


# ------------------------------------------------------------------ personal data

@pytest.mark.parametrize("raw", [
    "UBND xã B - 0912345678", "UBND xã B - 0912 345 678", "ĐT +84 912 345 678",
    "Đất đai a.b@x.com.vn", "CCCD 001203004005", "CMND 123456789", "(024) 3825 1234"])
def test_phones_ids_and_emails_in_names_are_masked(raw):
    shown = display(raw)
    assert MASK in shown and not any(ch.isdigit() for ch in shown.replace("84", "")
                                     .split(MASK)[-1])
    assert "@" not in shown and "0912" not in shown and "123456789" not in shown


@pytest.mark.parametrize("raw", ["Thủ tục 1.001193", "Năm 2023", "Tổng 1.842 hồ sơ",
                                 "Mã 2.000123.000.00.00.H10", "Số 12 ngõ 7", "Hộ tịch"])
def test_codes_years_and_counts_are_not_masked(raw):
    assert mask(raw) == (raw, 0)


def test_control_characters_and_nul_become_spaces_or_vanish():
    assert display("Hộ\x0btịch\x1f  \u2028x") == "Hộ tịch x"
    assert display("S\x00ở TN") == "Sở TN"


@pytest.mark.parametrize("header", [
    "applicant_name", "phone", "id_number", "address", "Họ, tên", "Năm sinh",
    "Căn cước công dân", "Số CMT", "Nơi thường trú", "Tên người yêu cầu", "Email người nộp"])
def test_more_personal_headers_are_recognised(header):
    assert is_personal_header(header)


@pytest.mark.parametrize("header", ["Lĩnh vực", "Cơ quan giải quyết", "Hình thức nộp",
                                    "Địa bàn", "Trạng thái", "Nơi nộp", "Mã hồ sơ"])
def test_dossier_headers_are_not_personal(header):
    assert not is_personal_header(header)


def test_a_quoted_value_is_masked_and_short():
    text = Problem(5, "cap", "tỉnh/huyện/xã", "0912345678 " + "x" * 500).text()
    assert "0912345678" not in text and len(text) < 200


def test_names_carrying_personal_data_are_masked_everywhere_and_counted(tmp_path):
    from openpyxl import load_workbook

    from tthc_lib import charts
    from tthc_lib.report.build import build_report

    write_csv(tmp_path / "hs.csv", [
        dossier("A", "2023-07-01", "2023-07-05", "2023-07-04", agency="UBND xã B - 0912345678"),
        dossier("B", "2023-07-01", "2023-07-05", "2023-07-09", field="Đất đai a@b.vn"),
        dossier("C", "2023-07-01", "2023-07-05", "2023-07-06", field="Phí $\\notacommand{x}$"),
        dossier("D", "2023-07-01", "2023-07-05", "", field="Hộ\x0btịch\x1f")])
    (tmp_path / "p.yaml").write_text(UNIT + "data: hs.csv\n", encoding="utf-8")
    rep = build_report(tmp_path / "p.yaml")
    rep.save(tmp_path)
    by_field = charts.svg(charts.on_time_rate_by_field(rep.results))  # "$…$" is text
    assert "notacommand" in by_field
    html = rep.sections_html() + rep.quality_html()
    cells = [str(c.value) for ws in load_workbook(tmp_path / "forms.xlsx") for row in
             ws.iter_rows() for c in row if c.value is not None]
    for shown in (html, (tmp_path / "results.json").read_text(encoding="utf-8"), *cells):
        assert "0912345678" not in shown and "a@b.vn" not in shown and "\x0b" not in shown
    assert "2 tên lĩnh vực/cơ quan" in html and MASK in html
    assert "Hộ tịch" in rep.results.by_field


# ------------------------------------------------------------------ files that are not files

@pytest.mark.parametrize("kind", ["folder", "fifo", "device", "link-to-fifo"])
def test_only_regular_files_are_read(tmp_path, kind):
    target = {"folder": tmp_path / "x.csv", "fifo": tmp_path / "f.csv",
              "device": Path("/dev/zero"), "link-to-fifo": tmp_path / "l.csv"}[kind]
    if kind == "folder":
        target.mkdir()
    elif kind in ("fifo", "link-to-fifo"):
        os.mkfifo(tmp_path / "f.csv")
        if kind == "link-to-fifo":
            target.symlink_to(tmp_path / "f.csv")
    res = tthc("compute", str(target), "--period", "2023-Q3", timeout=30)
    assert res.returncode == 2 and "Traceback" not in res.stderr
    assert "thư mục" in res.stderr or "không phải một tệp thông thường" in res.stderr


def test_a_missing_data_file_is_exit_2_in_vietnamese(tmp_path):
    res = tthc("compute", str(tmp_path / "khong-co.csv"), "--period", "2023-Q3")
    assert res.returncode == 2 and "Không tìm thấy tệp dữ liệu" in res.stderr


def _xlsx(path: Path, banner: bytes) -> Path:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.append(["BANNER"])
    ws.append(["Mã hồ sơ", "Cơ quan giải quyết", "Cấp", "Ngày tiếp nhận", "Ngày hẹn trả",
               "Ngày có kết quả"])
    ws.append(["A", "Sở", "tinh", "01/07/2023", "05/07/2023", "04/07/2023"])
    plain = path.with_suffix(".plain.xlsx")
    wb.save(plain)
    with zipfile.ZipFile(plain) as zin, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for info in zin.infolist():
            z.writestr(info, zin.read(info.filename).replace(b"BANNER", banner))
    return path


def test_an_xlsx_that_inflates_is_refused_before_parsing(tmp_path, monkeypatch):
    import tthc_lib.io.read as read

    monkeypatch.setattr(read, "MAX_SMALL_PART", 1 << 20)
    path = _xlsx(tmp_path / "bom.xlsx", b"A" * (8 << 20))
    with pytest.raises(InputError, match="giải nén ra 8 MB"):
        load(path, cache=False)


def test_a_cell_longer_than_excel_allows_is_refused(tmp_path):
    with pytest.raises(InputError, match="ô dòng 1, cột A dài 40.000 ký tự"):
        load(_xlsx(tmp_path / "dai.xlsx", b"A" * 40000), cache=False)


def test_a_stray_nul_byte_in_a_csv_is_dropped(tmp_path):
    path = write_csv(tmp_path / "hs.csv", [dossier("A", "2023-07-01", "2023-07-05",
                                                   "2023-07-04", agency="S\x00ở TN")])
    assert list(load(path, cache=False).df["co_quan"]) == ["Sở TN"]


# ------------------------------------------------------------------ params

@pytest.mark.parametrize("period", ["0000-Q1", "1023", "2150-H1", "9999-01-01..9999-02-01"])
def test_periods_outside_plausible_years_are_refused(period):
    with pytest.raises(PeriodError, match="năm cần trong khoảng"):
        parse_period(period)


@pytest.mark.parametrize("extra, key", [
    ("style: {pad_small_numbers: 'false'}\n", "style.pad_small_numbers"),
    ("figures: {pub_tthc_published: .inf}\n", "figures.pub_tthc_published"),
    ("figures: {pub_tthc_published: .nan}\n", "figures.pub_tthc_published"),
])
def test_mistyped_params_are_named(tmp_path, extra, key):
    write_csv(tmp_path / "hs.csv", [dossier("A", "2023-07-01", "2023-07-05")])
    (tmp_path / "p.yaml").write_text(UNIT + "data: hs.csv\n" + extra, encoding="utf-8")
    with pytest.raises(InputError, match=f"'{key}'"):
        load_spec(tmp_path / "p.yaml")


def test_a_list_where_text_is_expected_is_named_not_printed(tmp_path):
    write_csv(tmp_path / "hs.csv", [dossier("A", "2023-07-01", "2023-07-05")])
    (tmp_path / "p.yaml").write_text(
        "unit: {slug: d, name: UBND tỉnh D, short_name: tỉnh D, place: [a, b]}\n"
        "period: 2023-Q3\ndata: hs.csv\ntext: {intro: [" + "x, " * 5000 + "y]}\n",
        encoding="utf-8")
    with pytest.raises(InputError) as err:
        load_spec(tmp_path / "p.yaml")
    assert "'unit.place'" in str(err.value) and "'text.intro'" in str(err.value)
    assert len(str(err.value)) < 600


def test_params_saved_in_windows_1258_with_control_characters(tmp_path):
    write_csv(tmp_path / "hs.csv", [dossier("A", "2023-07-01", "2023-07-05")])
    from tests.test_load import to_cp1258

    (tmp_path / "p.yaml").write_bytes(
        to_cp1258(UNIT + "data: hs.csv\ntext: {intro: \"Mở đầu\\vdòng hai\\x1f.\"}\n"))
    spec = load_spec(tmp_path / "p.yaml")
    assert spec.unit.name == "UBND tỉnh D"
    assert spec.text["intro"] == "Mở đầu\ndòng hai ."


def test_data_is_looked_for_beside_the_params_or_in_the_workspace_only(tmp_path, monkeypatch):
    write_csv(tmp_path / "hs.csv", [dossier("A", "2023-07-01", "2023-07-05")])
    unit = tmp_path / "params" / "d"
    unit.mkdir(parents=True)
    (unit / "p.yaml").write_text(UNIT + "data: hs.csv\n", encoding="utf-8")
    monkeypatch.chdir(unit)  # the export two folders up is another unit's: not taken
    with pytest.raises(InputError, match="'data' trỏ tới tệp không tồn tại"):
        load_spec(unit / "p.yaml")
    monkeypatch.chdir(tmp_path)  # the workspace: taken
    assert load_spec(unit / "p.yaml").data == tmp_path / "hs.csv"


# ------------------------------------------------------------------ time zones and the cache

def test_time_zone_aware_parquet_is_read_in_vietnam_time(tmp_path):
    import pyarrow as pa
    import pyarrow.parquet as pq

    from tthc_lib.core.periods import parse_period as period
    from tthc_lib.engine.frame import classify

    utc = [datetime(2023, 9, 14, 17, 30, tzinfo=UTC),  # 15/09 00:30 in Việt Nam
           datetime(2023, 6, 14, 17, 30, tzinfo=UTC)]  # 15/06 00:30
    ts = pa.timestamp("us", tz="Asia/Ho_Chi_Minh")
    pq.write_table(pa.table({
        "ma_ho_so": ["A", "B"], "co_quan": ["Sở"] * 2, "cap": ["tinh"] * 2,
        "ngay_tiep_nhan": pa.array(utc, ts), "ngay_hen_tra": pa.array(utc, ts),
        "ngay_co_ket_qua": pa.array([None, None], ts)}), tmp_path / "tz.parquet")
    got = classify(load(tmp_path / "tz.parquet"), period("2023-Q3")).run.results
    assert got.indicators["received_total"] == 1  # B only: A was received in Q4


def test_a_damaged_cache_entry_is_rebuilt_and_an_unusable_cache_warns(tmp_path, monkeypatch,
                                                                      capsys):
    path = write_csv(tmp_path / "hs.csv", [dossier("A", "2023-07-01", "2023-07-05")])
    cache = tmp_path / "cache"
    monkeypatch.setenv("TTHC_CACHE", str(cache))
    load(path).dataset.close()
    for f in cache.glob("*.parquet"):
        f.write_bytes(b"")  # what a full disk left
    assert len(load(path).df) == 1
    assert all(f.stat().st_size > 0 for f in cache.glob("*.parquet"))
    monkeypatch.setenv("TTHC_CACHE", str(path))  # a file, not a folder
    assert len(load(path).df) == 1
    assert "Cảnh báo: không ghi được bộ nhớ đệm" in capsys.readouterr().err


# ------------------------------------------------------------------ batches, signals, folders

SMALL = Path(__file__).parent / "fixtures" / "small_export.csv"


def _unit(root: Path, slug: str, name: str | None = None) -> Path:
    from tests.test_batch import params

    return params(root / name if name else root, slug, SMALL)


def test_two_params_files_writing_the_same_report_are_refused_before_rendering(tmp_path):
    root = tmp_path / "params"
    _unit(root, "tinh-a")
    _unit(root, "tinh-a", name="ban-sao")
    res = tthc("batch", str(root), "--out", str(tmp_path / "out"))
    assert res.returncode == 2 and "cùng đơn vị (unit.slug) và cùng kỳ" in res.stderr
    assert "ban-sao" in res.stderr and not (tmp_path / "out" / "tinh-a").exists()


def test_index_links_are_url_quoted(tmp_path):
    from tthc_lib.run.batch import Outcome, write_index

    folder = tmp_path / "a b" / "2023-Q3"
    folder.mkdir(parents=True)
    (folder / "report.html").write_text("x", encoding="utf-8")
    (folder / "results.json").write_text(
        '{"unit": {"slug": "a b", "name": "UBND tỉnh A"}, "period": {"code": "2023-Q3", '
        '"label": "Quý III/2023", "start": "2023-06-15", "end": "2023-09-14"}, '
        '"results": {"indicators": {"received_total": 1}}, '
        '"headline": {"received_total": 1, "resolved_total": 1, "on_time_rate": 100.0, '
        '"online_rate": null}}', encoding="utf-8")
    html = write_index(tmp_path, [Outcome("p", "a b", "2023-Q3", True, 0.1,
                                          folder=str(folder))]).read_text(encoding="utf-8")
    assert 'href="a%20b/2023-Q3/report.html"' in html


def _signal_after(proc, marker: str, send) -> str:
    """Read the process's stderr up to the line with `marker`, wait half a second, `send()`
    the signal; return what was read."""
    import time

    seen = []
    for line in proc.stderr:
        seen.append(line)
        if marker in line:
            break
    time.sleep(0.5)
    send()
    return "".join(seen)


@pytest.mark.slow
def test_ctrl_c_stops_a_batch_promptly_and_leaves_a_true_index(tmp_path):
    import signal
    import time

    root = tmp_path / "params"
    for slug in ("tinh-a", "tinh-b", "tinh-c", "tinh-d", "tinh-e"):
        _unit(root, slug)
    out = tmp_path / "out"
    proc = subprocess.Popen([sys.executable, "-m", "tthc_lib.cli", "batch", str(root),
                             "--workers", "1", "--out", str(out)], text=True,
                            stderr=subprocess.PIPE, stdout=subprocess.DEVNULL,
                            start_new_session=True, env={**os.environ, "PYTHONPATH": str(ROOT)})
    seen = _signal_after(proc, "1/5 ok", lambda: os.killpg(proc.pid, signal.SIGINT))
    t = time.monotonic()
    err = seen + proc.stderr.read()
    assert proc.wait(timeout=60) == 130 and time.monotonic() - t < 40
    assert "Đã dừng (Ctrl-C)" in err and "Traceback" not in err
    done = int(err.split("Đã dừng (Ctrl-C) sau ")[1].split(": ")[1].split("/")[0])
    assert 1 <= done < 5
    assert not list(out.rglob(".stage-*"))
    index = (out / "index.html").read_text(encoding="utf-8")
    assert all(slug in index for slug in ("tinh-a", "tinh-e"))
    assert index.count("Đã dừng trước khi tạo xong") == 5 - done
    assert len(list(out.glob("*/2023-Q3/report.html"))) == done


@pytest.mark.slow
def test_relative_outputs_and_sigterm_keep_every_report_where_it_belongs(tmp_path):
    import signal

    params = _unit(tmp_path / "params", "tinh-a")
    work = tmp_path / "work"
    work.mkdir()
    res = tthc("report", str(params), "--out", "out", cwd=work)
    assert res.returncode == 0, res.stderr
    report = work / "out" / "tinh-a" / "2023-Q3"
    assert {"report.html", "forms.xlsx", "results.json"} <= {p.name for p in
                                                              report.iterdir()}
    assert not (params.parent / "out").exists()
    before = (report / "report.html").read_bytes()
    proc = subprocess.Popen([sys.executable, "-m", "tthc_lib.cli", "report", str(params),
                             "--out", "out"], cwd=work, text=True, stderr=subprocess.PIPE,
                            env={**os.environ, "PYTHONPATH": str(ROOT)})
    # stopped while the notebook runs (a fixed delay could fall after the report was done,
    # in the interpreter's shut-down, where no handler is left)
    seen = _signal_after(proc, "(notebook)", lambda: proc.send_signal(signal.SIGTERM))
    err = seen + proc.communicate(timeout=60)[1]
    assert proc.returncode == 143 and "Traceback" not in err
    assert "SIGTERM" in err and (report / "report.html").read_bytes() == before
    assert not list(report.glob(".stage-*"))


def test_parquet_with_an_integer_code_and_a_list_column(tmp_path):
    import pyarrow as pa
    import pyarrow.parquet as pq

    pq.write_table(pa.table({
        "ma_ho_so": pa.array([1, 2], pa.int64()), "co_quan": ["Sở", "Sở"], "cap": ["tinh"] * 2,
        "ngay_tiep_nhan": ["01/07/2023"] * 2, "ngay_hen_tra": ["05/07/2023"] * 2,
        "ngay_co_ket_qua": ["04/07/2023", None], "nhan": pa.array([[1], [2, 3]])}),
        tmp_path / "x.parquet")
    table = load(tmp_path / "x.parquet")
    assert sorted(table.df["ma_ho_so"]) == ["1", "2"] and "nhan" in table.dataset.extra
