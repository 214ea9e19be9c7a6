"""Params YAML validation: every mistake names the file and the key."""

import pytest

from tthc_lib.engine.load import InputError
from tthc_lib.report.spec import load_spec

from .conftest import dossier, write_csv

GOOD = """\
unit: {slug: demo, name: UBND tỉnh Demo, short_name: tỉnh Demo}
period: 2023-Q3
data: hs.csv
"""


@pytest.fixture
def params(tmp_path):
    write_csv(tmp_path / "hs.csv", [dossier("A", "2023-07-01", "2023-07-05")])

    def _write(text):
        p = tmp_path / "p.yaml"
        p.write_text(text, encoding="utf-8")
        return p
    return _write


def test_good_params(params):
    spec = load_spec(params(GOOD + "figures: {received_total: 1}\ntext: {intro: Mở đầu}\n"))
    assert spec.unit.slug == "demo" and spec.period.code == "2023-Q3"
    assert spec.data.name == "hs.csv" and spec.figures == {"received_total": 1}


@pytest.mark.parametrize("extra,key", [
    ("colour: red\n", "'colour'"),
    ("figures: {recieved_total: 5}\n", "'figures.recieved_total'"),
    ("figures: {received_total: nhiều}\n", "'figures.received_total'"),
    ("figures: {received_total: -3}\n", "'figures.received_total'"),
])
def test_wrong_keys_and_values_are_named(params, extra, key):
    with pytest.raises(InputError, match=key):
        load_spec(params(GOOD + extra))


def test_bad_period_and_missing_data(params):
    with pytest.raises(InputError, match="'period'"):
        load_spec(params(GOOD.replace("2023-Q3", "quý 3")))
    with pytest.raises(InputError, match="'data'.*Sửa đường dẫn"):
        load_spec(params(GOOD.replace("hs.csv", "khong-co.csv")))
    with pytest.raises(InputError, match="'data'.*tthc sample"):
        load_spec(params(GOOD.replace("hs.csv", "data/samples/khong-co.csv")))
    with pytest.raises(InputError, match="'unit.name'"):
        load_spec(params(GOOD.replace("name: UBND tỉnh Demo, ", "")))


def test_vietnamese_thousands_separator_unquoted_is_refused_with_the_hint(params):
    with pytest.raises(InputError) as err:
        load_spec(params(GOOD + "figures: {tthc_total: 1.842, dvc_partial: 1.103}\n"))
    msg = str(err.value)
    assert "'figures.tthc_total'" in msg and "'figures.dvc_partial'" in msg  # both at once
    assert 'YAML đọc 1.842 là số thập phân 1,842; viết 1842 hoặc "1.842"' in msg


@pytest.mark.parametrize("raw,value", [('"1.842"', 1842), ('"1 842"', 1842), ("1842", 1842),
                                       ('"12.345.678"', 12345678), ("7.0", 7)])
def test_quoted_thousands_are_read_as_integers(params, raw, value):
    spec = load_spec(params(GOOD + f"figures: {{received_total: {raw}}}\n"))
    got = spec.figures["received_total"]
    assert got == value and isinstance(got, int)


def test_percent_figures_keep_decimals(params):
    spec = load_spec(params(GOOD + 'figures: {review_rate: "27,3"}\n'))
    assert spec.figures["review_rate"] == 27.3


def test_every_problem_at_once_with_did_you_mean(params):
    text = GOOD.replace("2023-Q3", "2023-Q9") + ("colour: red\nfigures: {recieved_total: 5, "
                                                 "tthc_total: \"1,842\"}\ntext: {intr: x}\n")
    with pytest.raises(InputError) as err:
        load_spec(params(text))
    msg = str(err.value)
    assert "có 5 lỗi" in msg
    assert "'period'" in msg and "'colour'" in msg and "'text.intr'" in msg
    assert "Có phải là 'received_total'?" in msg and "Có phải là 'intro'?" in msg
    assert "'figures.tthc_total': " not in msg or "cần là một số nguyên" in msg


def test_document_params_number_date_signer_and_annex(params):
    from tthc_lib.report.build import build_report

    rep = build_report(params(GOOD.replace("name: UBND tỉnh Demo,", "name: UBND tỉnh Demo, "
                                           "signer: KT. CHỦ TỊCH / PHÓ CHỦ TỊCH, signer_name: "
                                           "Nguyễn Văn A,")
                              + "report_date: 2023-09-20\nnumber: 125/BC-UBND\n"))
    title = rep.title_html()
    assert "Số: 125/BC-UBND" in title and "ngày 20 tháng 09 năm 2023" in title
    assert "&hellip;&hellip;&hellip;, ngày" in title  # the place line even without a place
    assert "Nguyễn Văn A" in rep.closing_html()
    assert "PHỤ LỤC" in rep.annex_html() and "Chất lượng dữ liệu" in rep.annex_html()
    plain = build_report(params(GOOD + "style: {annex: false}\n"))
    assert plain.annex_html() == "" and "/BC-UBND" in plain.title_html()
    with pytest.raises(InputError, match="'report_date'"):
        load_spec(params(GOOD + "report_date: hôm nay\n"))


@pytest.mark.parametrize("text, where, cause", [
    ("unit: {slug: x}\ntext:\n  intro: Theo kế hoạch: năm 2023\n", "dòng 3, cột 23",
     "dấu hai chấm"),
    ("unit:\n\tslug: x\n", "dòng 2, cột 1", "Tab"),
    ("unit: {slug: x\nperiod: 2023\n", "dòng 2", "ngoặc nhọn"),
    ("text:\n  intro: \"abc\n", "dòng 3", "ngoặc kép đóng"),
    ("unit:\n  slug: x\n name: y\n", "dòng 3, cột 2", "thụt lề"),
    ("unit: {slug: x}\ntext:\n  intro: \"chưa đóng\n  results: a\nperiod: 2023\nfigures: "
     "{\"a\": 1}\n", "dòng 6", "dấu ngoặc kép mở ở dòng 3 chưa đóng"),
])
def test_a_yaml_syntax_error_names_line_column_and_the_usual_cause_in_vietnamese(
        params, text, where, cause):
    with pytest.raises(InputError) as err:
        load_spec(params(text))
    message = str(err.value)
    assert where in message and cause in message, message
    assert not any(w in message for w in ("mapping values", "while scanning", "expected"))


def test_today_is_the_report_date_for_every_figure(tmp_path):
    """A result dated after the report's date is "in the future" for the report, its
    presets and the drill-downs alike (not the day the report happens to be made)."""
    from tthc_lib.explore import Explore
    from tthc_lib.report.build import build_report

    write_csv(tmp_path / "hs.csv", [dossier("A", "2023-07-01", "2023-07-05", "2023-07-04"),
                                    dossier("B", "2023-07-01", "2023-07-12", "2023-07-10")])
    p = tmp_path / "p.yaml"
    p.write_text(GOOD + "report_date: 2023-07-06\n", encoding="utf-8")
    rep = build_report(p)
    assert rep.today.isoformat() == "2023-07-06" and rep.run.excluded == {"date_in_future": 1}
    assert all(x.get("received_total") == 1 for x in rep.presets if "error" not in x)
    assert Explore(p).results.indicators["received_total"] == 1
    p.write_text(GOOD, encoding="utf-8")
    assert build_report(p).run.excluded == {}
