"""The oracle: hand-classified dossiers, with the class each must get under every preset.

Period 2023-Q3 = 15/06/2023 – 14/09/2023. Each line was worked out by hand from the
policies' rules (counting-rules.md); the engine must agree dossier by dossier.
"""

import pytest

from tthc_lib.core.errors import InputError
from tthc_lib.core.periods import parse_period
from tthc_lib.engine.frame import INTAKE, OUTCOME, classify
from tthc_lib.rules.policy import builtin_policies, load_policy

from .conftest import dossier

Q3 = parse_period("2023-Q3")
NEW, CARRIED = "new", "carried"

# code, status, received, due, done, supplement requested,
#   tt01, dates-only, opencps, cong-dvcqg (a class is (intake, outcome), or the reason it is
#   left out); cong-dvcqg is tt01 comparing times: only L (hours late) differs
ORACLE = [
    ("A", "10", "2023-07-03", "2023-07-10", "2023-07-05", "",
     (NEW, "early"), (NEW, "early"), (NEW, "early"),
     (NEW, "early")),
    ("B", "Đã trả kết quả", "2023-09-01", "2023-09-10", "2023-09-20", "",  # exported later
     (NEW, "pending_overdue"), (NEW, "pending_overdue"), (NEW, "pending_overdue"),
     (NEW, "pending_overdue")),
    ("C", "10", "2023-07-03", "2023-07-10", "", "",
     "finished_without_date", (NEW, "pending_overdue"), (NEW, "pending_overdue"),
     "finished_without_date"),
    ("D", "Đang xử lý", "2023-07-03", "2023-07-10", "2023-07-05", "",  # the status is later
     (NEW, "pending_overdue"), (NEW, "early"), (NEW, "early"),
     (NEW, "pending_overdue")),
    ("E", "Không được tiếp nhận", "2023-07-03", "", "", "",
     "status_not_counted", (NEW, "pending_in_time"), "status_not_counted",
     "status_not_counted"),
    ("F", "Chờ bổ sung", "2023-07-03", "2023-07-10", "", "2023-07-08",
     (NEW, "pending_in_time"), (NEW, "pending_overdue"), (NEW, "pending_waiting"),
     (NEW, "pending_in_time")),
    ("G", "5", "2023-09-01", "2023-09-10", "", "2023-09-20",  # supplement asked after the end
     (NEW, "pending_overdue"), (NEW, "pending_overdue"), (NEW, "pending_waiting"),
     (NEW, "pending_overdue")),
    ("H", "Công dân yêu cầu rút hồ sơ", "2023-07-03", "2023-07-20", "2023-07-25", "",
     (NEW, "on_time"), (NEW, "late"), (NEW, "withdrawn"),
     (NEW, "on_time")),
    ("I", "7", "2023-09-01", "2023-09-20", "2023-09-25", "",
     (NEW, "pending_in_time"), (NEW, "pending_in_time"), (NEW, "pending_in_time"),
     (NEW, "pending_in_time")),
    ("J", "Tạm dừng", "2023-06-01", "2023-06-20", "", "",
     (CARRIED, "pending_in_time"), (CARRIED, "pending_overdue"), (CARRIED, "pending_overdue"),
     (CARRIED, "pending_in_time")),
    ("K", "4", "2023-09-01", "2023-09-14", "", "",  # due on the period's last day
     (NEW, "pending_in_time"), (NEW, "pending_in_time"), (NEW, "pending_overdue"),
     (NEW, "pending_in_time")),
    ("L", "10", "2023-07-03", "2023-07-10 08:00", "2023-07-10 15:00", "",  # hours late
     (NEW, "on_time"), (NEW, "on_time"), (NEW, "late"),
     (NEW, "late")),
    ("M", "done", "2023-07-03", "", "2023-07-05", "",  # no due date
     (NEW, "on_time"), (NEW, "on_time"), (NEW, "on_time"),
     (NEW, "on_time")),
    ("N", "9", "2023-05-02", "2023-05-20", "2023-06-10", "",
     "finished_before_start", "finished_before_start", "finished_before_start",
     "finished_before_start"),
    ("O", "Được tiếp nhận", "2023-06-01", "2023-09-30", "", "",
     (CARRIED, "pending_in_time"), (CARRIED, "pending_in_time"), (CARRIED, "pending_in_time"),
     (CARRIED, "pending_in_time")),
    ("P", "6", "2023-07-03", "2023-07-10", "", "",
     (NEW, "pending_in_time"), (NEW, "pending_overdue"), (NEW, "pending_overdue"),
     (NEW, "pending_in_time")),
    ("Q", "Hoàn thành", "2023-06-10", "2023-06-20", "2023-06-25", "",
     (CARRIED, "late"), (CARRIED, "late"), (CARRIED, "late"),
     (CARRIED, "late")),
    ("R", "4", "2023-09-15", "2023-09-20", "", "",
     "received_after_end", "received_after_end", "received_after_end",
     "received_after_end"),
]
PRESETS = ("tt01", "dates-only", "opencps", "cong-dvcqg")


@pytest.fixture(scope="module")
def oracle_table(tmp_path_factory):
    from tthc_lib.engine.load import load

    from .conftest import write_csv

    rows = []
    for code, status, recv, due, done, supp, *_ in ORACLE:
        rows.append(dossier(code, recv, due, done) | {"trang_thai": status,
                                                      "ngay_yeu_cau_bo_sung": supp})
    return load(write_csv(tmp_path_factory.mktemp("oracle") / "oracle.csv", rows))


@pytest.mark.parametrize("preset", PRESETS)
def test_every_dossier_gets_the_hand_worked_class(oracle_table, preset):
    ct = classify(oracle_table, Q3, policy=load_policy(preset))
    got = {r.ma_ho_so: (r[INTAKE], r[OUTCOME]) for _, r in ct.df.iterrows()}
    sql = f"SELECT ma_ho_so, reason FROM ({ct.run_sql()}) WHERE reason <> ''"
    got |= dict(oracle_table.dataset.con.execute(sql).fetchall())
    expected = {line[0]: line[6 + PRESETS.index(preset)] for line in ORACLE}
    assert got == expected


@pytest.mark.parametrize("preset", PRESETS)
def test_the_coded_classification_is_the_same_dossier_by_dossier(oracle_table, preset):
    """The main scan groups by integer codes (cheaper); decoded, each dossier's reason,
    intake, channel group and outcome are those of the text classification."""
    from tthc_lib.engine.classify import CODES, classify_sql, decode

    ds, pol = oracle_table.dataset, load_policy(preset)
    dims = ", ".join(CODES)
    text, coded = (ds.con.execute(f"SELECT ma_ho_so, {dims} FROM "
                                  f"({classify_sql(pol, Q3, Q3.end, ds.relation, coded=c)}) "
                                  "ORDER BY ma_ho_so").fetchnumpy() for c in (False, True))
    for dim in CODES:
        assert list(decode(dim, coded[dim])) == list(text[dim]), dim
    assert set(text["reason"]) > {""} and len(set(text["outcome"])) >= 5  # not a trivial case


@pytest.mark.parametrize("preset", PRESETS)
def test_the_identities_hold_under_every_preset(oracle_table, preset):
    from tthc_lib.analysis.checks import identities

    ct = classify(oracle_table, Q3, policy=load_policy(preset))
    assert all(f.ok for f in identities(ct.run.results)), preset


def test_the_status_table_says_how_each_status_counted(oracle_table):
    ct = classify(oracle_table, Q3)
    rows = {t["code"]: t for t in ct.run.status_table}
    assert rows["3"]["left_out"] == {"status_not_counted": 1}
    assert rows["7"]["counted"] == {"on_time": 1, "pending_in_time": 1}
    assert ct.run.by_status["10"] == 6 and ct.run.by_status["5"] == 2


def test_without_a_status_column_tt01_counts_by_dates(make_table):
    rows = [dossier("A", "2023-07-03", "2023-07-10", "2023-07-12"),
            dossier("B", "2023-07-03", "2023-07-10")]
    a = classify(make_table(rows), Q3).run.results.to_json()
    b = classify(make_table(rows), Q3, policy=load_policy("dates-only")).run.results.to_json()
    assert a == b


def test_a_new_registration_without_receipt_is_not_counted_but_refused_by_dates(make_table):
    rows = [dossier("A", "2023-07-03", "2023-07-10", "2023-07-05") | {"trang_thai": "10"},
            dossier("B", "", "", "") | {"trang_thai": "Mới đăng ký"}]
    table = make_table(rows)
    assert classify(table, Q3).run.excluded == {"status_not_counted": 1}
    with pytest.raises(InputError, match=r"dòng 3, cột 'Ngày tiếp nhận'.*không được để trống"):
        classify(table, Q3, policy=load_policy("dates-only"))


def test_handover_date_policy_and_both_dates(tmp_path, make_table):
    rows = [dossier("A", "2023-07-03", "2023-07-10", "2023-07-09") | {
        "Ngày trả kết quả": "2023-07-12", "trang_thai": "10"}]
    table = make_table(rows)
    assert classify(table, Q3).df[OUTCOME][0] == "early"  # end of processing by default
    own = tmp_path / "tra.yaml"
    own.write_text("name: theo-ngay-tra\nresult_date: handover\nstatuses: {'10': finished}\n",
                   encoding="utf-8")
    assert classify(table, Q3, policy=load_policy(str(own))).df[OUTCOME][0] == "late"


def test_a_user_policy_is_validated_as_a_whole(tmp_path):
    bad = tmp_path / "p.yaml"
    bad.write_text("compare: hour\nstatuses: {'11': finished, '3': skip}\nextra: 1\n",
                   encoding="utf-8")
    with pytest.raises(InputError) as err:
        load_policy(str(bad))
    msg = str(err.value)
    assert "compare" in msg and "statuses.11" in msg and "statuses.3" in msg and "extra" in msg


def test_presets_are_shipped_with_tt01_first():
    assert list(builtin_policies())[0] == "tt01"
    assert set(builtin_policies()) == set(PRESETS)


def test_finished_without_an_end_date_is_listed_with_its_rows(tmp_path):
    from tthc_lib.report.build import build_report

    from .conftest import write_csv

    rows = [dossier("A", "2023-07-03", "2023-07-10", "2023-07-05") | {"trang_thai": "10"},
            dossier("B", "2023-07-03", "2023-07-10", "") | {"trang_thai": "Đã trả kết quả"}]
    write_csv(tmp_path / "hs.csv", rows)
    p = tmp_path / "p.yaml"
    p.write_text("unit: {slug: d, name: UBND tỉnh D, short_name: tỉnh D}\nperiod: 2023-Q3\n"
                 "data: hs.csv\n", encoding="utf-8")
    html = build_report(p).quality_html()
    assert "trạng thái đã xong nhưng không có ngày kết thúc xử lý (các dòng 3)" in html
