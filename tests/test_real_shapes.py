"""Exports in the shapes real one-stop systems produce: each date form, each vocabulary,
the sync standard, the provincial dossier list with its catalogue, UTC timestamps."""

import json
import subprocess
import sys
from datetime import datetime

import pandas as pd
import pytest

from tthc_lib.core.errors import InputError
from tthc_lib.core.periods import parse_period
from tthc_lib.core.schema import C
from tthc_lib.engine.frame import classify
from tthc_lib.engine.load import load
from tthc_lib.rules.catalog import load_catalog
from tthc_lib.rules.profiles import detect, load_profile, vocabulary
from tthc_lib.samples import shapes as sample_shapes

from .conftest import dossier, write_csv

Q3 = parse_period("2023-Q3")


def targets(profile) -> dict:
    levels = profile.levels.values()
    s = {k: sum(getattr(t, k) for t in levels) for k in
         ("online", "offline", "carried", "early", "on_time", "late", "pending_in_time",
          "pending_overdue")}
    return {"received_total": s["online"] + s["offline"] + s["carried"],
            "received_new_online": s["online"], "carried_over": s["carried"],
            "resolved_early": s["early"], "resolved_on_time": s["on_time"],
            "resolved_late": s["late"], "pending_in_time": s["pending_in_time"],
            "pending_overdue": s["pending_overdue"]}


@pytest.fixture(scope="module")
def shapes(tmp_path_factory):
    folder = tmp_path_factory.mktemp("shapes")
    return {k: sample_shapes.write_shape(s, folder) for k, s in sample_shapes.SHAPES.items()}


@pytest.mark.parametrize("key,profile", [("tuyen-quang-2023-Q3", "dvcqg"),
                                         ("yen-bai-2023-Q3", "ds-tinh"),
                                         ("lao-cai-2023-Q3", "igate-utc")])
def test_each_real_shape_is_detected_and_gives_its_figures_under_tt01(shapes, key, profile):
    shape = sample_shapes.SHAPES[key]
    path = shapes[key]
    catalog = load_catalog(path.with_name(f"{key}-danh-muc.yaml")) \
        if shape.kind == "ds-tinh" else load_catalog(None)
    table = load(path, catalog=catalog)
    assert table.dataset.profile.name == profile
    assert not any(h in " ".join(table.df.astype(str).columns) for h in ("ChuHoSo", "fullname"))
    n = classify(table, Q3).run.results.indicators
    expected = targets(shape.profile)
    if shape.kind == "ds-tinh":  # no channel column: the online split is absent, not 0
        assert n["received_new_online"] is None and n["online_rate"] is None
        expected.pop("received_new_online")
    assert {k: n[k] for k in expected} == expected
    levels = set(classify(table, Q3).run.results.by_level)
    assert levels == {"tinh", "huyen", "xa"}  # from names and the catalogue: none unknown


def test_dates_only_gives_the_same_figures_as_before_on_the_canonical_sample(bac_giang_csv):
    from tthc_lib.rules.policy import load_policy

    run = classify(load(bac_giang_csv), Q3, policy=load_policy("dates-only")).run
    n = run.results.indicators
    assert (n["received_new"], n["resolved_total"], n["pending_overdue"]) == \
        (169_959 + run.by_status["3"], 166_616, 1_016)  # refused ones count by their dates


@pytest.mark.parametrize("text,expected", [
    ("20230703140509", datetime(2023, 7, 3, 14, 5, 9)),  # sync standard
    ("2023-07-03T17:00:00.000+0000", datetime(2023, 7, 4, 0, 0)),  # UTC → Vietnam
    ("2023-07-03T07:05:00Z", datetime(2023, 7, 3, 14, 5)),
    ("2023-07-03T14:05:00+07:00", datetime(2023, 7, 3, 14, 5)),
    ("14:05 03/07/2023", datetime(2023, 7, 3, 14, 5)),  # time first
    ("03/07/2023 7:04:00 SA", datetime(2023, 7, 3, 7, 4)),  # Vietnamese AM/PM
    ("03/07/2023 1:03:00 CH", datetime(2023, 7, 3, 13, 3)),
    ("03/07/2023 14:05:09", datetime(2023, 7, 3, 14, 5, 9)),
    ("45110.5", datetime(2023, 7, 3, 12, 0)),
])
def test_date_forms(make_table, text, expected):
    tb = make_table([dossier("HS1", text, "2023-07-20")])
    assert tb.df[C.ngay_tiep_nhan][0] == pd.Timestamp(expected)


def test_utc_profile_reads_naive_values_as_utc(tmp_path):
    rows = [{"code": "A", "agency.name": "Sở Tư pháp", "acceptedDate": "2023-07-03T18:30:00",
             "appointmentDate": "2023-07-10T10:00:00", "completedDate": ""}]
    tb = load(write_csv(tmp_path / "x.csv", rows))
    assert tb.dataset.profile.name == "igate-utc"
    assert tb.df[C.ngay_tiep_nhan][0] == pd.Timestamp("2023-07-04 01:30")


@pytest.mark.parametrize("column,raw,code", [
    (C.kenh_nop, "Qua bưu chính công ích", "buu_chinh"),
    (C.kenh_nop, "Nộp qua bưu chính công ích", "buu_chinh"),
    (C.kenh_nop, "Nhận trực tiếp", "truc_tiep"),
    (C.cap, "Sở, ban, ngành", "tinh"), (C.cap, "Tỉnh/ Thành phố", "tinh"),
    (C.cap, "Quận/ Huyện", "huyen"), (C.cap, "Huyện, thị xã, thành phố", "huyen"),
    (C.cap, "Xã/ Phường", "xa"), (C.cap, "Xã, phường, thị trấn", "xa"), (C.cap, "Đặc khu", "xa"),
    (C.cap, "so-ban-nganh", "tinh"), (C.cap, "cnvpdk", "tinh"), (C.cap, "quan-huyen", "huyen"),
    (C.cap, "xa-phuong", "xa"),
    (C.muc_do_dvc, "DVC trực tuyến toàn trình", "full"),
    (C.muc_do_dvc, "DVCTT một phần", "partial"),
    (C.muc_do_dvc, "Mức độ 4", "full"), (C.muc_do_dvc, "Mức độ 3", "partial"),
    (C.muc_do_dvc, "Mức độ 2", "info"),
    (C.trang_thai, "Đã tiếp nhận", "2"), (C.trang_thai, "Đang giải quyết", "4"),
    (C.trang_thai, "Không tiếp nhận", "3"), (C.trang_thai, "Chờ bổ sung", "5"),
    (C.trang_thai, "Chờ thực hiện nghĩa vụ tài chính", "6"), (C.trang_thai, "Tạm dừng", "8"),
    (C.trang_thai, "Đã rút", "7"), (C.trang_thai, "Trả lại", "7"), (C.trang_thai, "Từ chối", "7"),
    (C.trang_thai, "Hủy", "7"), (C.trang_thai, "Hoàn thành", "10"),
    (C.trang_thai, "releasing", "9"),
    (C.trang_thai, "cancelled", "7"), (C.trang_thai, "denied", "3"),
    (C.trang_thai, "waiting", "5"),
])
def test_shared_vocabulary(column, raw, code):
    from tthc_lib.core.schema import fold

    assert vocabulary().table(column).get(fold(raw)) == code


def test_sync_standard_codes_are_the_profile_s(tmp_path):
    p = load_profile("dvcqg")
    assert vocabulary().table(C.kenh_nop, p)[""] == "truc_tiep"  # empty = trực tiếp
    assert vocabulary().table(C.thanh_toan_truc_tuyen, p)["2"] == "yes"
    assert vocabulary().table(C.thanh_toan_truc_tuyen, p)["3"] == "no"
    assert vocabulary().table(C.kenh_nop, p)["3"] == "buu_chinh"


@pytest.mark.parametrize("agency,level", [
    ("UBND xã Đồng Tâm", "xa"), ("UBND phường Hoàng Văn Thụ", "xa"),
    ("UBND thị trấn Tân Yên", "xa"), ("UBND đặc khu Phú Quốc", "xa"),
    ("UBND huyện Yên Thế", "huyen"), ("UBND quận Ba Đình", "huyen"),
    ("UBND thị xã Việt Yên", "huyen"), ("UBND thành phố Bắc Giang", "huyen"),
    ("Sở Tư pháp", "tinh"), ("Ban Quản lý các khu công nghiệp", "tinh"),
    ("Văn phòng UBND tỉnh", "tinh"), ("Công an tỉnh Bắc Giang", "tinh"),
    ("Trung tâm Phục vụ hành chính công tỉnh", "tinh"),
    ("Chi nhánh Văn phòng đăng ký đất đai huyện Lục Nam", "tinh"),
    ("Phòng Công chứng số 1", None),
])
def test_level_from_the_agency_name(agency, level):
    assert vocabulary().level_of_agency(agency) == level


def test_catalogue_yaml_and_csv_and_unknowns(tmp_path, make_table):
    rows = [dossier("A", "2023-07-03", "2023-07-10", agency="Phòng Công chứng số 1"),
            dossier("B", "2023-07-03", "2023-07-10", agency="Trạm Y tế"),
            dossier("C", "2023-07-03", "2023-07-10", agency="UBND xã Đồng Tâm")]
    for r in rows:
        del r["cap"], r["linh_vuc"]
    yml = tmp_path / "dm.yaml"
    yml.write_text("co_quan:\n  phòng công chứng SỐ 1: tinh\nthu_tuc:\n  '1.001193': Hộ tịch\n",
                   encoding="utf-8")
    csv = tmp_path / "dm.csv"
    csv.write_text("co_quan,cap,thu_tuc,linh_vuc\nPhòng Công chứng số 1,\"Sở, ban, ngành\",,\n"
                   ",,Đăng ký khai sinh,Hộ tịch\n", encoding="utf-8")
    path = write_csv(tmp_path / "x.csv", rows)
    for cat in (yml, csv):
        tb = load(path, catalog=load_catalog(cat), cache=False)
        assert list(tb.df[C.cap]) == ["tinh", "chua_ro", "xa"]
        assert set(tb.df[C.linh_vuc]) == {"Hộ tịch"}
        assert tb.dataset.unknown_agencies == ["Trạm Y tế"]
    plain = load(path, cache=False)
    assert set(plain.df[C.linh_vuc]) == {"Chưa xác định lĩnh vực"}  # never a refusal
    bad = tmp_path / "bad.yaml"
    bad.write_text("co_quan: {Sở Y tế: bộ}\n", encoding="utf-8")
    with pytest.raises(InputError, match="co_quan.Sở Y tế: cần tinh, huyen hoặc xa"):
        load_catalog(bad)


def test_detection_prefers_the_narrowest_profile_and_can_be_forced():
    list_headers = ["STT", "Đơn vị tiếp nhận", "Tên thủ tục hành chính", "Mã hồ sơ",
                    "Trạng thái", "Ngày nộp hồ sơ", "Ngày nhận", "Ngày hẹn trả",
                    "Ngày kết thúc xử lý"]
    assert detect(list_headers).profile.name == "ds-tinh"
    assert detect(list_headers, load_profile("canonical")).profile.name == "canonical"
    with pytest.raises(InputError, match="thiếu cột bắt buộc"):
        detect(["Mã hồ sơ", "Ghi chú"], source="x.csv")


def test_both_dates_are_carried_and_end_of_processing_is_preferred(make_table):
    row = dossier("A", "2023-07-03", "2023-07-10", "") | {"Ngày kết thúc xử lý": "2023-07-09",
                                                        "Ngày trả kết quả": "2023-07-12"}
    del row["ngay_co_ket_qua"]
    tb = make_table([row])
    assert tb.df[C.ngay_co_ket_qua][0] == pd.Timestamp("2023-07-09")
    assert tb.df[C.ngay_tra_kq][0] == pd.Timestamp("2023-07-12")
    assert classify(tb, Q3).df["outcome"][0] == "early"


def tthc(*args):
    return subprocess.run([sys.executable, "-m", "tthc_lib.cli", *args], capture_output=True,
                          text=True, timeout=300)


def test_inspect_and_compute_on_the_provincial_list(shapes):
    path = shapes["yen-bai-2023-Q3"]
    cat = path.with_name("yen-bai-2023-Q3-danh-muc.yaml")
    res = tthc("inspect", str(path), "--catalog", str(cat))
    assert res.returncode == 0, res.stderr
    out = res.stdout
    assert "Hồ sơ nguồn: ds-tinh" in out and "Tệp dùng được." in out
    assert "Chủ hồ sơ" in out and "Người nộp" in out  # named, never a value
    assert "Không được tiếp nhận" in out and "không tính" in out
    res = tthc("compute", str(path), "--period", "2023-Q3", "--catalog", str(cat), "--json")
    data = json.loads(res.stdout)
    assert data["policy"] == "tt01" and data["by_status"]["3"] > 0
    assert data["indicators"]["received_new_online"] is None
    res = tthc("compute", str(path), "--period", "2023-Q3", "--policy", "opencps", "--json")
    assert json.loads(res.stdout)["policy"] == "opencps"


def test_inspect_names_what_would_be_refused(tmp_path):
    bad = write_csv(tmp_path / "bad.csv", [dossier("A", "31/02/2023", "2023-07-10")])
    res = tthc("inspect", str(bad))
    assert res.returncode == 2 and "SẼ BỊ TỪ CHỐI" in res.stdout and "dòng 2" in res.stdout
    res = tthc("compute", str(bad), "--period", "2023-Q3", "--profile", "khong-co")
    assert res.returncode == 2 and "Không có hồ sơ nguồn 'khong-co'" in res.stderr


def test_report_on_the_provincial_list_states_how_it_was_read_and_counted(shapes, tmp_path):
    from tthc_lib.report.build import build_report

    path = shapes["yen-bai-2023-Q3"]
    params = tmp_path / "p.yaml"
    params.write_text("unit: {slug: yb, name: UBND tỉnh Yên Bái, short_name: tỉnh Yên Bái}\n"
                      f"period: 2023-Q3\ndata: {path}\n"
                      f"catalog: {path.with_name('yen-bai-2023-Q3-danh-muc.yaml')}\n",
                      encoding="utf-8")
    rep = build_report(params)
    html = rep.quality_html()
    assert "ds-tinh" in html and "theo danh mục" in html and "suy ra từ tên cơ quan" in html
    assert "Không được tiếp nhận" in html and "không tính" in html  # the status table
    assert [p["name"] for p in rep.presets] == ["tt01", "cong-dvcqg", "dates-only", "opencps"]
    assert "Đúng hạn (bao gồm cả hồ sơ chờ bổ sung và trả lại / xin rút)" in rep.ii06_html()
    assert all(f.ok for f in rep.identities)
    assert rep.results.indicators["received_new_online"] is None
