"""Every section of both seed reports, from the bundled params files and sample data."""

import re
from datetime import datetime

import pytest

from tthc_lib.engine.load import InputError
from tthc_lib.model.sections import SECTIONS
from tthc_lib.report.build import build_report
from tthc_lib.report.spec import load_spec

from .conftest import bundled_params, dossier, write_csv

ALL = [s.key for s in SECTIONS]


def document(rep) -> str:
    html = "\n".join([rep.title_html(), rep.quality_html(), rep.intro_html(),
                      rep.sections_html(*ALL), rep.ii06_html(), rep.closing_html()])
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


@pytest.fixture(scope="module")
def bac_giang(bac_giang_csv, tmp_path_factory):
    p = bundled_params("bac-giang/2023-Q3.yaml", bac_giang_csv, tmp_path_factory.mktemp("p"))
    return build_report(p, now=datetime(2023, 10, 5))


@pytest.fixture(scope="module")
def bac_kan(bac_kan_csv, tmp_path_factory):
    p = bundled_params("bac-kan-stp/2023.yaml", bac_kan_csv, tmp_path_factory.mktemp("p"))
    return build_report(p, now=datetime(2024, 1, 5))  # after the export's last date (29/12)


SEED_000 = ["11", "22", "67", "1.967", "1.934", "33", "151", "48", "25", "23", "103", "51",
            "91", "15", "177.681", "169.959", "149.640", "7.722", "166.616", "143.672",
            "21.532", "1.412", "69.343", "63.595", "63.226", "99,4%", "27.619", "24.348",
            "24.171", "99,3%", "80.719", "78.673", "77.807", "98,9%", "11.065", "10.049",
            "1.016", "1.353", "823", "990", "144.355/169.194", "85,3%", "135.179", "9.523",
            "3.585", "27", "283", "09", "06", "86,2%", "1291/QĐ-TTg", "5392/KH-UBND"]
SEED_003 = ["07", "212", "133", "05", "41", "18", "20", "128", "03", "02", "06/22", "27,3%",
            "10.009", "10.003", "4.470", "5.533", "9.884", "9.381", "503", "125", "12.051",
            "12.045", "6.512", "11.559", "2.178", "492", "2.689", "57/133", "57/57", "76/133",
            "07/07", "4.470/4.494", "99,5%", "414", "150", "191", "47", "24", "146", "08", "62",
            "04", "45/57", "13/17", "16/24", "Hà Thị Đào", "NĂM 2024"]


def test_province_report_has_every_section_and_seed_number(bac_giang):
    text = document(bac_giang)
    for n in SEED_000:
        assert n in text, n
    for title in ("1. Đánh giá tác động TTHC", "3. Công bố, công khai TTHC",
                  "5. Tiếp nhận, xử lý phản ánh", "6. Tình hình, kết quả giải quyết TTHC",
                  "b) Tình hình, kết quả giải quyết TTHC nhóm liên thông",
                  "Công tác truyền thông", "II. ĐÁNH GIÁ CHUNG", "IV. KIẾN NGHỊ VÀ ĐỀ XUẤT"):
        assert title in text, title
    # the seed's inconsistencies are flagged
    messages = " ".join(f.message for f in bac_giang.typed)
    assert "169.959 ≠ 149.640 + 20.311 = 169.951" in messages
    assert "169.194" in messages  # online-rate denominator ≠ the data's
    assert bac_giang.window["count"] == 1353


def test_department_report_has_both_views_postal_and_flags_the_review_rate(bac_kan):
    text = document(bac_kan)
    for n in SEED_003:
        assert n in text, n
    assert "a) Tổng số hồ sơ TTHC" in text and "b) Tổng số hồ sơ TTHC" in text
    assert "c) Số hồ sơ yêu cầu trả kết quả qua dịch vụ bưu chính công ích: 2.689" in text
    checks = {f.check for f in bac_kan.typed}
    assert "figure-identity:review_rate_base" in checks  # "rà soát 20" vs "06/22"
    assert "figure-ratio:review_rate" in checks  # 27,3% vs 6/20 = 30,0%
    assert not any(c.startswith("typed-vs-data") for c in checks)  # (a) matches the data
    # §II.2 of the seed: both online rates, and which is which
    assert "4.470/10.003 = 44,7%" in text and "4.470/4.494 = 99,5%" in text
    assert "Cấp huyện" not in bac_kan.section_html("results")  # a department: no levels


def test_missing_optional_section_leaves_no_heading(tmp_path):
    write_csv(tmp_path / "hs.csv", [dossier("A", "2023-07-01", "2023-07-05", "2023-07-04")])
    p = tmp_path / "p.yaml"
    p.write_text("unit: {slug: d, name: UBND tỉnh D, short_name: tỉnh D}\nperiod: 2023-Q3\n"
                 "data: hs.csv\ntext: {communication: 'Đã đăng 5 tin bài <script>x</script>'}\n",
                 encoding="utf-8")
    rep = build_report(p)
    keys = [s.key for s in rep.present_sections()]
    assert keys == ["results", "online", "communication", "assessment"]
    assert rep.section_html("feedback") == "" and rep.section_html("impact") == ""
    html = rep.sections_html(*ALL)
    assert "1. Tình hình, kết quả giải quyết TTHC" in html  # renumbered from 1
    assert "&lt;script&gt;x&lt;/script&gt;" in html and "<script>" not in html  # escaped


@pytest.mark.parametrize("yaml_extra,key", [
    ("text: {ghi_chu: x}\n", "text.ghi_chu"),
    ("unit_kind: x\n", "unit_kind"),
    ("interconnected_window: {start: 2023-08-31, end: 2023-07-10}\n", "interconnected_window"),
])
def test_yaml_validation_names_the_key(tmp_path, yaml_extra, key):
    write_csv(tmp_path / "hs.csv", [dossier("A", "2023-07-01", "2023-07-05")])
    p = tmp_path / "p.yaml"
    p.write_text("unit: {slug: d, name: UBND tỉnh D, short_name: tỉnh D}\nperiod: 2023-Q3\n"
                 "data: hs.csv\n" + yaml_extra, encoding="utf-8")
    with pytest.raises(InputError, match=re.escape(f"'{key}'")):
        load_spec(p)


def test_previous_period_comparison(tmp_path):
    write_csv(tmp_path / "q2.csv", [dossier("A", "2023-04-01", "2023-04-05", "2023-04-04"),
                                    dossier("B", "2023-04-01", "2023-04-05", "2023-04-07")])
    write_csv(tmp_path / "q3.csv", [dossier("C", "2023-07-01", "2023-07-05", "2023-07-04")])
    p = tmp_path / "p.yaml"
    p.write_text("unit: {slug: d, name: UBND tỉnh D, short_name: tỉnh D}\nperiod: 2023-Q3\n"
                 "data: q3.csv\nprevious: {data: q2.csv, period: 2023-Q2}\n", encoding="utf-8")
    html = build_report(p).section_html("assessment")
    results, shortcomings = html.split("Tồn tại, hạn chế")
    assert "So với Quý II/2023" in results and "giảm 1 hồ sơ (50,0%)" in results
    assert "tăng 50,0 điểm phần trăm (50,0% → 100,0%)" in results  # an improvement
    assert "tỷ lệ hồ sơ trực tuyến không đổi" in results  # never "giảm 0,0 điểm"
    assert "So với" not in shortcomings
    # the other way round: a fall in the on-time rate is a shortcoming
    write_csv(tmp_path / "q2.csv", [dossier("A", "2023-04-01", "2023-04-05", "2023-04-04")])
    write_csv(tmp_path / "q3.csv", [dossier("C", "2023-07-01", "2023-07-05", "2023-07-04"),
                                    dossier("D", "2023-07-01", "2023-07-05", "2023-07-09")])
    html = build_report(p).section_html("assessment")
    results, shortcomings = html.split("Tồn tại, hạn chế")
    assert "tỷ lệ giải quyết đúng hạn giảm 50,0 điểm phần trăm" in shortcomings


@pytest.mark.parametrize("fid", sorted({f for s in SECTIONS for f in s.figures
                                        if f != "interconnected_window_total"}))
def test_a_section_given_one_figure_shows_it_and_names_what_is_missing(tmp_path, fid):
    from tthc_lib.core import fmt
    from tthc_lib.model.registry import REGISTRY

    write_csv(tmp_path / "hs.csv", [dossier("A", "2023-07-01", "2023-07-05")])
    p = tmp_path / "p.yaml"
    p.write_text("unit: {slug: d, name: UBND tỉnh D, short_name: tỉnh D}\nperiod: 2023-Q3\n"
                 f"data: hs.csv\nfigures: {{{fid}: 1234}}\n", encoding="utf-8")
    rep = build_report(p)  # never a section that then demands figures
    section = next(s for s in SECTIONS if fid in s.figures)
    html = rep.section_html(section.key)
    assert section.title in html  # present, with its heading
    text = re.sub(r"<[^>]+>", " ", html)
    assert fmt.number(1234) in text or fmt.percent(1234) in text, fid  # and the figure
    if any(f not in (fid,) for f in section.required):
        assert "Chưa báo cáo" in html
        assert REGISTRY[section.required[-1]].label_vi[1:] in html or fid in section.required


def test_generated_bullets_do_not_repeat_what_the_analyst_wrote(tmp_path):
    write_csv(tmp_path / "hs.csv", [dossier("A", "2023-07-01", "2023-07-05", "2023-07-04"),
                                    dossier("B", "2023-07-01", "2023-07-05", "2023-07-09")])
    p = tmp_path / "p.yaml"
    base = "unit: {slug: d, name: UBND tỉnh D, short_name: tỉnh D}\nperiod: 2023-Q3\n" \
           "data: hs.csv\n"
    p.write_text(base, encoding="utf-8")
    assert "Theo số liệu hồ sơ" in build_report(p).section_html("assessment")
    p.write_text(base + "text: {assessment_results: 'Tỷ lệ đúng hạn đạt 50,0%.', "
                 "assessment_shortcomings: 'Còn 1 hồ sơ quá hạn.'}\n", encoding="utf-8")
    html = build_report(p).section_html("assessment")
    assert "Theo số liệu hồ sơ" not in html and "Còn 1 hồ sơ giải quyết quá hạn" not in html
    assert "Tỷ lệ đúng hạn đạt 50,0%." in html
