"""Every chart of the report, read back: its tick labels (Vietnamese numbers, no repeated
or rounded-away ticks), its size and its smallest text (legible on a phone)."""

from __future__ import annotations

import json
import re

import matplotlib.text
import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg

from tests.conftest import bundled_params
from tthc_lib import charts
from tthc_lib.report.build import build_report

NUMBER = re.compile(r"^\d{1,3}(\.\d{3})*(,\d+)?%?$")  # 1.967; 0,5; 99%
DAY = re.compile(r"^\d{2}/\d{2}$")


@pytest.fixture(scope="module")
def rep(bac_giang_csv, tmp_path_factory):
    tmp = tmp_path_factory.mktemp("charts")
    return build_report(bundled_params("bac-giang/2023-Q3.yaml", bac_giang_csv, tmp))


@pytest.fixture(scope="module")
def figures(rep, tmp_path_factory):
    out = tmp_path_factory.mktemp("outputs")
    for code, label, start, end, rate in (("2023-Q2", "Quý II/2023", "2023-03-15",
                                           "2023-06-14", 97.0),
                                          ("2022-Q3", "Quý III/2022", "2022-06-15",
                                           "2022-09-14", 95.5)):
        folder = out / "bac-giang" / code
        folder.mkdir(parents=True)
        (folder / "results.json").write_text(json.dumps({
            "unit": {"slug": "bac-giang", "name": "UBND tỉnh Bắc Giang"},
            "period": {"code": code, "label": label, "start": start, "end": end},
            "results": {"indicators": {"received_total": 1000, "on_time_rate": rate,
                                       "online_rate": 60.0}, "by_field": {}}}),
            encoding="utf-8")
    figs = {
        "catalogue": charts.catalogue_charts(rep.figures),
        "review": charts.review_charts(rep.figures),
        "level": [charts.timeliness_by_level(rep.results)],
        "field": [charts.on_time_rate_by_field(rep.results)],
        "week": [charts.intake_by_week(rep.results)],
        "online": [charts.online_rates(rep.results)],
        "index766": charts.index766_charts(rep.scorecard),
        "trend": charts.trend_charts(rep.trend(out)),
    }
    assert all(len(f) == 1 for f in figs.values()), {k: len(v) for k, v in figs.items()}
    for (fig,) in figs.values():
        FigureCanvasAgg(fig).draw()
    return {k: v[0] for k, v in figs.items()}


def ticks(axis) -> list[str]:
    """The tick labels a reader sees on one axis (within the axis' view)."""
    low, high = sorted(axis.get_view_interval())
    return [t.get_text() for t, loc in zip(axis.get_majorticklabels(), axis.get_majorticklocs(),
                                           strict=True) if low - 1e-9 <= loc <= high + 1e-9]


def value(label: str) -> float:
    return float(label.rstrip("%").replace(".", "").replace(",", "."))


@pytest.mark.parametrize("name, axis, expect", [
    ("catalogue", "x", ["0", "800", "1.600", "2.400"]),
    ("review", "x", ["0", "60", "120", "180"]),
    ("level", "x", ["0", "40.000", "80.000", "120.000"]),
    ("field", "x", ["0%", "25%", "50%", "75%", "100%"]),
    ("online", "x", ["0%", "25%", "50%", "75%", "100%"]),
    ("index766", "x", ["0", "1", "2"]),
    ("trend", "y", ["0%", "25%", "50%", "75%", "100%"]),
])
def test_value_axis_tick_labels_are_vietnamese_distinct_and_increasing(figures, name, axis,
                                                                       expect):
    ax = figures[name].axes[0]
    labels = ticks(ax.xaxis if axis == "x" else ax.yaxis)
    assert labels == expect
    assert all(NUMBER.match(t) for t in labels), labels
    assert len(set(labels)) == len(labels)
    assert [value(t) for t in labels] == sorted(value(t) for t in labels)


def test_week_axis_reads_days_and_counts(figures):
    ax = figures["week"].axes[0]
    days, counts = ticks(ax.xaxis), ticks(ax.yaxis)
    assert 3 <= len(days) <= 8 and all(DAY.match(t) for t in days), days
    renderer = figures["week"].canvas.get_renderer()
    boxes = [t.get_window_extent(renderer) for t in ax.xaxis.get_majorticklabels()
             if t.get_text() in days]
    assert all(a.x1 < b.x0 for a, b in zip(boxes, boxes[1:], strict=False)), "day labels overlap"
    assert counts[0] == "0" and all(NUMBER.match(t) for t in counts), counts
    assert len(set(counts)) == len(counts) and "," not in "".join(counts)  # whole dossiers


def test_category_axes_name_every_bar(figures, rep):
    assert ticks(figures["level"].axes[0].yaxis) == ["Cấp xã", "Cấp huyện", "Cấp tỉnh"]
    fields = [t.replace("\n", " ") for t in ticks(figures["field"].axes[0].yaxis)]
    assert len(fields) == 15 and all(f in rep.results.by_field for f in fields)
    assert ticks(figures["trend"].axes[0].xaxis) == ["Quý III/2022", "Quý II/2023",
                                                     "Quý III/2023"]


def test_a_half_point_axis_is_not_rounded_to_repeated_integers():
    fig = charts._bars("Điểm", ["a", "b"], [1.2, 0.7], show=str, counts=False)
    FigureCanvasAgg(fig).draw()
    labels = ticks(fig.axes[0].xaxis)
    assert labels == ["0", "0,5", "1", "1,5"]  # was "0 0 1 1 2 2"
    assert charts.tick(2000.0) == "2.000" and charts.tick(0.25) == "0,25"


def test_charts_are_drawn_for_a_phone(figures):
    """At most WIDTH inches wide and no text under FONT points: scaled to a 390 px screen
    (366 px of content) every label is at least 11 CSS px (1 pt = 4/3 px)."""
    assert charts.FONT * 4 / 3 * 366 / (charts.WIDTH * 96) >= 11
    for name, fig in figures.items():
        assert fig.get_figwidth() <= charts.WIDTH, name
        sizes = [t.get_fontsize() for t in fig.findobj(matplotlib.text.Text)
                 if t.get_text().strip() and t.get_visible()]
        assert min(sizes) >= charts.FONT, (name, min(sizes))


def test_the_title_sits_directly_above_the_plot(figures):
    for name, fig in figures.items():
        renderer = fig.canvas.get_renderer()
        heading = [t.get_window_extent(renderer) for t in fig.texts if t.get_text()]
        assert heading and fig.texts[0].get_fontweight() == "bold", name
        bottom_of_heading = min(h.y0 for h in heading)
        top_of_plot = max(a.get_tightbbox(renderer).y1 for a in fig.axes)
        gap_inches = (bottom_of_heading - top_of_plot) / fig.dpi
        assert -0.01 <= gap_inches <= 0.3, (name, round(gap_inches, 2))
