from tthc_lib.model.registry import COUNTS, FORM_II06_COLUMNS, IDENTITIES, INDICATORS, REGISTRY

SPINE_IDS = {
    "received_total", "received_new", "received_new_online", "received_new_offline",
    "carried_over", "resolved_total", "resolved_early", "resolved_on_time", "resolved_late",
    "resolved_not_late", "pending_total", "pending_in_time", "pending_overdue",
    "on_time_rate", "early_rate", "online_rate",
}


def test_ids_are_unique_and_cover_the_spine():
    ids = [i.id for i in INDICATORS]
    assert len(ids) == len(set(ids))
    assert SPINE_IDS <= set(ids)


def test_every_ratio_names_existing_count_indicators_of_its_own_source():
    for ind in INDICATORS:
        assert ind.label_vi and ind.form and ind.unit
        if ind.kind == "ratio":
            for part in (ind.numerator, ind.denominator):
                assert REGISTRY[part].kind == "count" and REGISTRY[part].source == ind.source
            assert ind.unit == "%"
        else:
            assert ind.numerator is None
            assert ind.source == "figure" or ind.unit == "hồ sơ"


def test_figure_identities_and_mirrors_refer_to_registered_ids():
    from tthc_lib.model.registry import FIGURE_IDENTITIES, FIGURE_MIRRORS, FIGURES

    figures = {f.id for f in FIGURES}
    for left, right in FIGURE_IDENTITIES:
        assert set(left) | set(right) <= figures
    for fig, data in FIGURE_MIRRORS.items():
        assert fig in figures and REGISTRY[data].source == "data"


def test_identities_and_form_columns_refer_to_counts():
    counts = {c.id for c in COUNTS}
    for left, parts in IDENTITIES:
        assert left in counts and set(parts) <= counts
    assert set(FORM_II06_COLUMNS) <= counts and len(FORM_II06_COLUMNS) == 11


def test_rates_are_defined_as_the_issue_says():
    assert (REGISTRY["on_time_rate"].numerator, REGISTRY["on_time_rate"].denominator) == \
        ("resolved_not_late", "resolved_total")
    assert REGISTRY["online_rate"].denominator == "received_new"
