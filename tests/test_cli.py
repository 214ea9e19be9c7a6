"""The `tthc` command end to end, as a user runs it (subprocess, exit codes, stderr)."""

import json
import subprocess
import sys

from .conftest import dossier, write_csv


def tthc(*args):
    return subprocess.run([sys.executable, "-m", "tthc_lib.cli", *args], capture_output=True,
                          text=True, timeout=120)


def test_compute_json_on_a_table_with_vietnamese_headers(tmp_path):
    heads = {"ma_ho_so": "Mã hồ sơ", "ma_tthc": "Mã thủ tục", "ten_tthc": "Tên TTHC",
             "linh_vuc": "Lĩnh vực", "co_quan": "Đơn vị", "cap": "Cấp",
             "kenh_nop": "Kênh nộp", "ngay_tiep_nhan": "Ngày tiếp nhận",
             "ngay_hen_tra": "Ngày hẹn trả", "ngay_co_ket_qua": "Ngày hoàn thành"}
    rows = [dossier("A", "01/07/2023 08:00", "05/07/2023", "04/07/2023", cap="Cấp tỉnh",
                    kenh="Trực tuyến"),
            dossier("B", "10/06/2023", "20/06/2023", "", cap="Cấp xã", kenh="Trực tiếp",
                    field="Chứng thực"),
            dossier("C", "01/09/2023", "05/09/2023", "06/09/2023", cap="Cấp huyện",
                    kenh="Dịch vụ bưu chính", field="Đất đai", agency="UBND huyện Yên Thế"),
            dossier("D", "20/09/2023", "25/09/2023", "", cap="Cấp xã", kenh="Trực tuyến")]
    rows = [{heads[k]: v for k, v in r.items()} for r in rows]
    path = write_csv(tmp_path / "export.csv", rows)
    out = tthc("compute", str(path), "--period", "2023-Q3", "--json")
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)
    assert data["period"] == {"start": "2023-06-15", "end": "2023-09-14"}
    n = data["indicators"]
    assert (n["received_total"], n["received_new"], n["carried_over"]) == (3, 2, 1)
    assert (n["received_new_online"], n["received_new_offline"]) == (1, 1)
    assert (n["resolved_early"], n["resolved_late"], n["pending_overdue"]) == (1, 1, 1)
    assert n["on_time_rate"] == 50.0
    assert data["by_level"]["huyen"]["resolved_late"] == 1
    assert data["by_field"]["Đất đai"]["received_total"] == 1
    assert data["by_agency"]["UBND huyện Yên Thế"]["resolved_total"] == 1


def test_compute_table_output_is_vietnamese(tmp_path):
    path = write_csv(tmp_path / "x.csv", [dossier("A", "2023-07-01", "2023-07-05", "2023-07-04")])
    out = tthc("compute", str(path), "--period", "2023-Q3")
    assert out.returncode == 0
    assert "Tổng số hồ sơ tiếp nhận" in out.stdout and "100,0%" in out.stdout


def test_bad_input_is_one_message_and_exit_2_without_traceback(tmp_path):
    rows = [dossier("A", "2023-07-01", "hôm qua")]
    rows[0]["Họ tên"] = "Trần Thị Mai"
    path = write_csv(tmp_path / "bad.csv", rows)
    out = tthc("compute", str(path), "--period", "2023-Q3")
    assert out.returncode == 2
    assert "Traceback" not in out.stderr
    assert "bad.csv" in out.stderr and "dòng 2" in out.stderr and "Ngày hẹn trả" in out.stderr
    assert "Trần Thị Mai" not in out.stderr
    out = tthc("compute", str(path), "--period", "Q5-2023")
    assert out.returncode == 2 and "2023-Q3 hoặc Quý III/2023 (quý)" in out.stderr


def test_compute_does_not_import_rendering_packages():
    code = ("import sys; from tthc_lib import cli; "
            "import tthc_lib.report.build, tthc_lib.model.results, tthc_lib.engine.load; "
            "heavy = [m for m in ('matplotlib', 'papermill', 'nbconvert') if m in sys.modules]; "
            "print(heavy)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert out.stdout.strip() == "[]", out.stderr


def test_missing_browser_is_a_clear_message(tmp_path):
    import os

    write_csv(tmp_path / "hs.csv", [dossier("A", "2023-07-01", "2023-07-05", "2023-07-04")])
    p = tmp_path / "p.yaml"
    p.write_text("unit: {slug: d, name: UBND tỉnh D, short_name: tỉnh D}\nperiod: 2023-Q3\n"
                 "data: hs.csv\n", encoding="utf-8")
    out = subprocess.run([sys.executable, "-m", "tthc_lib.cli", "report", str(p), "--pdf",
                          "--out", str(tmp_path / "out")], capture_output=True, text=True,
                         env={**os.environ, "TTHC_CHROMIUM": "/khong/co/chromium"})
    assert out.returncode == 2 and "Traceback" not in out.stderr
    assert "TTHC_CHROMIUM" in out.stderr and "/khong/co/chromium" in out.stderr
