"""The Decision 766 service index: each scoring rule on hand-computed examples."""

from __future__ import annotations

import json

import pytest

from tests.conftest import dossier, write_csv
from tthc_lib.analysis.index766 import method, parse_method, score
from tthc_lib.core.errors import InputError

FULL_PAYMENT = {"data:paid_online_total": 80, "index766:dossiers_with_fees": 100,
                "index766:tthc_fees_payable_online": 9, "index766:tthc_with_fees": 10,
                "index766:tthc_fees_paid_online": 10}


def _rule(card, rid):
    return next(s for s in card.scores if s.rule.id == rid)


def _group(card, gid):
    return next(g for g in card.groups if g.group.id == gid)


def test_the_groups_add_up_to_100_points_as_the_portal_shows_them():
    m = method()
    assert {g.id: g.points for g in m.groups} == {
        "transparency": 18, "progress": 20, "online": 12, "payment": 10, "satisfaction": 18,
        "digitisation": 22}
    for g in m.groups:  # each group's caps reach its points (payment: 6 + 2 + 2.5)
        assert sum(r.cap for r in m.rules if r.group == g.id) >= g.points


def test_max_times_rate():
    card = score({"index766:tthc_published_on_time": 45, "index766:tthc_to_publish": 50})
    s = _rule(card, "published_on_time")
    assert s.points == pytest.approx(6 * 0.9) and s.rate == pytest.approx(90.0)
    assert s.need == 5 and s.lost == pytest.approx(0.6)


def test_progress_counts_resolved_and_pending_in_time_over_all_received():
    card = score({"data:resolved_not_late": 900, "data:pending_in_time": 50,
                  "data:received_total": 1000})
    assert _rule(card, "in_time").points == pytest.approx(20 * 0.95)


def test_online_payment_is_6a_plus_min_2_25b_plus_25c_capped_at_10():
    card = score(FULL_PAYMENT)
    a, b, c = (_rule(card, r).points for r in ("paid_online", "payment_offered", "payment_used"))
    assert a == pytest.approx(6 * 0.8)
    assert b == pytest.approx(2)  # 2.5 × 0.9 = 2.25, capped at 2
    assert c == pytest.approx(2.5)
    assert _group(card, "payment").points == pytest.approx(9.3)
    card = score(FULL_PAYMENT | {"data:paid_online_total": 100})
    assert _group(card, "payment").points == 10  # 6 + 2 + 2.5 = 10.5, the group caps at 10


def test_satisfaction_no_feedback_is_full_points_and_90_percent_is_enough():
    card = score({"index766:feedback_on_time": 0, "index766:feedback_due": 0,
                  "index766:ratings_satisfied": 45, "index766:ratings_total": 50})
    assert _rule(card, "feedback_on_time").points == 6  # nothing to handle: full points
    assert _rule(card, "handling_satisfied").points == pytest.approx(6)  # min(6, 6 × .9/.9)
    assert _rule(card, "feedback_satisfied").points is None  # not typed: no data, not 0
    card = score({"index766:ratings_satisfied": 36, "index766:ratings_total": 50})
    assert _rule(card, "handling_satisfied").points == pytest.approx(6 * 0.72 / 0.9)
    assert _rule(card, "handling_satisfied").need == 9  # 45 of 50 reach 90%
    card = score({"index766:ratings_satisfied": 0, "index766:ratings_total": 0})
    assert _rule(card, "handling_satisfied").points == 0  # no ratings: 0, as the portal


def test_digitisation_reuse_is_full_from_80_percent_and_online_2022_method():
    card = score({"index766:dossiers_reusing_data": 40, "data:received_total": 100,
                  "data:received_new_online": 30, "data:received_new": 100,
                  "figure:dvc_online_total": 60, "figure:tthc_in_scope": 100,
                  "figure:dvc_with_dossiers": 30})
    assert _rule(card, "data_reused").points == pytest.approx(2 * 0.4 / 0.8)
    assert _rule(card, "dvc_offered").points == pytest.approx(2 * 0.6 / 0.8)  # min(2, 2A/.8)
    assert _rule(card, "dvc_used").points == pytest.approx(4 * 0.5)  # 4B
    assert _rule(card, "online_dossiers").points == pytest.approx(6 * 0.3 / 0.5)
    assert _rule(card, "online_dossiers").rule.sure == "not_reproduced"


def test_missing_sources_are_no_data_and_the_total_says_what_could_be_scored():
    card = score({"data:digitised_total": 50, "data:received_total": 100})
    assert _rule(card, "digitised_components").points == pytest.approx(2)
    assert _rule(card, "electronic_results").points is None
    assert "index766.electronic_results" in _rule(card, "electronic_results").wanted
    assert card.total == pytest.approx(2) and card.scorable == pytest.approx(4)
    assert card.losses()[0].rule.id == "digitised_components"


def test_a_rule_is_data_and_a_bad_one_is_named():
    raw = {"name": "x", "label": "x", "groups": [{"id": "g", "label": "G", "points": 5}],
           "indicators": [{"id": "r", "group": "g", "label": "R", "cap": 5,
                           "num": "data:received_total", "den": "data:no_such"}]}
    with pytest.raises(InputError, match="chỉ số 'r'.*data:no_such"):
        parse_method(raw, "thu.yaml")
    raw["indicators"][0]["den"] = "index766:anything"
    m = parse_method(raw, "thu.yaml")
    assert score({"data:received_total": 3, "index766:anything": 6}, m).total == 2.5


def test_params_index766_block_is_checked(tmp_path):
    from tthc_lib.report.spec import load_spec

    write_csv(tmp_path / "hs.csv", [dossier("A", "2023-07-01", "2023-07-05")])
    p = tmp_path / "p.yaml"
    p.write_text("unit: {slug: d, name: UBND tỉnh D, short_name: tỉnh D}\nperiod: 2023-Q3\n"
                 "data: hs.csv\nindex766: {dossiers_with_fees: \"1.200\", tthc_with_fee: 3}\n",
                 encoding="utf-8")
    with pytest.raises(InputError, match="index766.tthc_with_fee.*'tthc_with_fees'"):
        load_spec(p)
    p.write_text(p.read_text(encoding="utf-8").replace("tthc_with_fee:", "tthc_with_fees:"),
                 encoding="utf-8")
    assert load_spec(p).index766 == {"dossiers_with_fees": 1200, "tthc_with_fees": 3}


def test_tthc_score_prints_the_biggest_loss_and_what_recovers_it(tmp_path, capsys):
    from tthc_lib.cli.main import main

    rows = [dossier(f"A{i}", "2023-07-01", "2023-07-05", "2023-07-04") for i in range(8)]
    rows += [dossier(f"B{i}", "2023-07-01", "2023-07-05", "2023-07-09") for i in range(2)]
    write_csv(tmp_path / "hs.csv", rows)
    assert main(["score", str(tmp_path / "hs.csv"), "-p", "2023-Q3"]) == 0
    out = capsys.readouterr().out
    assert "Tiến độ giải quyết" in out and "16,00" in out  # 20 × 8/10
    assert "Mất nhiều điểm nhất ở chỉ số “Hồ sơ giải quyết, đang giải quyết trong hạn” " \
           "(4 điểm): thêm 2 hồ sơ giải quyết trong hạn thì đạt đủ 20 điểm." in out
    assert main(["score", str(tmp_path / "hs.csv"), "-p", "2023-Q3", "--json"]) == 0
    assert '"total": 22.0' in capsys.readouterr().out  # 16 progress + 6 online (100%)


def test_the_report_section_and_chart_appear_with_an_index766_block(tmp_path):
    from tthc_lib import charts
    from tthc_lib.report.build import build_report

    rows = [dossier(f"A{i}", "2023-07-01", "2023-07-05", "2023-07-04") for i in range(9)]
    rows += [dossier("B", "2023-07-01", "2023-07-05", "2023-07-09")]
    write_csv(tmp_path / "hs.csv", rows)
    p = tmp_path / "p.yaml"
    base = "unit: {slug: d, name: UBND tỉnh D, short_name: tỉnh D}\nperiod: 2023-Q3\n" \
           "data: hs.csv\n"
    p.write_text(base, encoding="utf-8")
    assert build_report(p).index766_html() == ""  # not asked for: not shown
    p.write_text(base + "index766: {feedback_on_time: 0, feedback_due: 0, ratings_satisfied: 8,"
                 " ratings_total: 10}\n", encoding="utf-8")
    rep = build_report(p)
    html = rep.index766_html()
    assert "Bộ chỉ số phục vụ người dân, doanh nghiệp" in html
    assert "Tổng điểm: <b>35,33/100</b>" in html  # 18 progress + 6 online + 6 + 6 × .8/.9
    assert "không có dữ liệu" in html and "Quý III/2023" in html
    assert "Mất nhiều điểm nhất ở chỉ số “Tiến độ" not in html  # the rule's label is named
    assert "“Hồ sơ giải quyết, đang giải quyết trong hạn” (2 điểm): thêm 1 hồ sơ" in html
    figs = charts.index766_charts(rep.scorecard)
    assert len(figs) == 1 and "Điểm bị mất" in charts.svg(figs[0])


def test_a_commune_is_scored_without_the_province_only_indicators_out_of_84():
    values = {"data:received_new_online": 50, "data:received_new": 100,
              "index766:dossiers_using_population_db": 10, "data:received_total": 100,
              "data:digitised_total": 100}
    province, commune = score(values), score(values, scope="xa")
    left = {r.id for r in commune.left_out}
    assert left == {"dvc_offered", "dvc_used", "online_dossiers", "population_data_used",
                    "population_connected"}
    assert province.maximum == 100 and commune.maximum == 84
    assert _group(commune, "online").scores == [] and _group(commune, "online").max == 0
    assert _group(commune, "digitisation").max == 18
    # the commune's scored rules are scored as the province's are
    assert _rule(commune, "digitised_components").points == _rule(
        province, "digitised_components").points == 4
    assert "online" not in {g["id"] for g in commune.to_json()["groups"]}
    assert commune.to_json()["maximum"] == 84 and commune.to_json()["scope"] == "xa"


def test_a_numerator_over_its_denominator_is_not_scored_full_but_named():
    card = score({"index766:dossiers_synced": 5000, "data:received_total": 1000})
    s = _rule(card, "synced_real_time")
    assert s.over and s.points is None and s.missing == ()
    assert "5.000" in s.why and "1.000" in s.why and "index766.dossiers_synced" in s.why
    assert card.to_json()["groups"][0]["indicators"][3]["over"] is True


def test_a_scope_that_is_not_a_level_is_refused():
    raw = {"name": "x", "label": "x", "groups": [{"id": "g", "label": "G", "points": 5}],
           "indicators": [{"id": "r", "group": "g", "label": "R", "cap": 5, "scope": "huyen",
                           "num": "data:received_total", "den": "data:received_total"}]}
    with pytest.raises(InputError, match="scope"):
        parse_method(raw, "m.yaml")


def test_a_commune_report_and_tthc_score_state_the_lower_maximum(tmp_path, capsys):
    from tthc_lib.cli.main import main
    from tthc_lib.report.build import build_report

    write_csv(tmp_path / "hs.csv", [dossier(f"A{i}", "2023-07-01", "2023-07-05", "2023-07-04",
                                            cap="xa") for i in range(4)])
    p = tmp_path / "p.yaml"
    p.write_text("unit: {slug: x, name: UBND xã X, short_name: xã X, kind: commune}\n"
                 "period: 2023-Q3\ndata: hs.csv\nindex766: {ratings_total: 10, "
                 "ratings_satisfied: 9}\n", encoding="utf-8")
    html = build_report(p).index766_html()
    assert "/84</b>" in html and "điểm tối đa là 84 chứ không phải 100" in html
    assert "Dịch vụ công trực tuyến</b>" not in html
    assert main(["score", str(tmp_path / "hs.csv"), "-p", "2023-Q3", "--params", str(p)]) == 0
    out = capsys.readouterr().out
    assert "/84 điểm" in out and "\n  Hồ sơ nộp trực tuyến" not in out


def test_tthc_score_with_params_scores_the_member_units_dossiers_from_its_data(tmp_path,
                                                                                capsys):
    from tthc_lib.cli.main import main

    rows = [dossier(f"A{i}", "2023-07-01", "2023-07-05", "2023-07-04", cap="xa",
                    agency="UBND xã X") for i in range(4)]
    rows += [dossier(f"B{i}", "2023-07-01", "2023-07-05", "2023-07-09", cap="xa",
                     agency="UBND xã Y") for i in range(6)]
    write_csv(tmp_path / "tinh.csv", rows)
    p = tmp_path / "p.yaml"
    p.write_text("unit: {slug: x, name: UBND xã X, short_name: xã X, kind: commune, "
                 "agencies: [UBND xã X]}\nperiod: 2023-Q3\ndata: [tinh.csv]\n", encoding="utf-8")
    assert main(["score", "-p", "2023-Q3", "--params", str(p), "--json"]) == 0
    card = json.loads(capsys.readouterr().out)
    progress = next(g for g in card["groups"] if g["id"] == "progress")["indicators"][0]
    assert progress["den"] == 4 and progress["num"] == 4  # only xã X's dossiers, all in time
    assert card["maximum"] == 84
