"""Charts of the report, drawn from `Results` only. Each function returns a matplotlib
Figure (not registered with pyplot, so notebooks show it exactly once).

Drawn for a phone first: WIDTH inches wide with no text under FONT points, so that on a
390 px screen (the SVG scaled to the page's width) every label is at least 11 CSS px; on a
desktop and in the PDF the chart keeps its natural size."""

from __future__ import annotations

import io
import textwrap
from datetime import date

import matplotlib
import matplotlib.dates

matplotlib.use("Agg")
from matplotlib.figure import Figure  # noqa: E402
from matplotlib.ticker import FuncFormatter, MaxNLocator  # noqa: E402

from .core import fmt  # noqa: E402
from .core.schema import LEVEL_LABELS  # noqa: E402
from .model.results import Results  # noqa: E402

COLORS = {"early": "#2e7d32", "on_time": "#81c784", "late": "#c62828",
          "online": "#1565c0", "offline": "#f9a825", "bar": "#455a64", "bad": "#c62828"}
WIDTH = 4.4  # inches: 422 CSS px, scaled by at most 0,87 on a phone
FONT = 10  # points: the smallest text of a chart (13,3 CSS px at natural size)
TITLE = 11
matplotlib.rcParams.update({"font.family": "DejaVu Sans", "font.size": FONT,
                            "legend.fontsize": FONT, "xtick.labelsize": FONT,
                            "ytick.labelsize": FONT,
                            "svg.hashsalt": "tthc", "svg.fonttype": "none",  # text stays text
                            "text.parse_math": False,  # "$…$" in a field name is text
                            "axes.spines.top": False, "axes.spines.right": False})
LINE = 1.25 / 72  # inches per point of a line of text


def tick(x: float, _pos=None) -> str:
    """Return an axis tick the Vietnamese way with the decimals it needs (0; 0,5; 1.000)."""
    for digits in (0, 1, 2):
        if abs(x - round(x, digits)) < 1e-9:
            return fmt.decimal(x, digits)
    return fmt.decimal(x, 2)


VN_NUMBER = FuncFormatter(tick)
PERCENT = FuncFormatter(lambda x, _p: fmt.percent(x, 0))


def _wrap(text: str, width: int = 24) -> str:
    """Break a long category name into lines of at most `width` characters."""
    return "\n".join(textwrap.wrap(text, width)) or text


def _figure(height: float) -> Figure:
    return Figure(figsize=(WIDTH, height), dpi=110)


def _label(ax, x: float, y: float, text: str) -> None:
    """Write a value just right of a bar's end (an offset, not spaces: SVG drops those)."""
    ax.annotate(text, (x, y), xytext=(3, 0), textcoords="offset points", va="center",
                fontsize=FONT)


def _value_axis(ax, values, room: float = 1.35, whole: bool = True) -> None:
    """A value axis from 0 with `room` for the labels right of the bars; `whole`: whole
    numbers only (never 0,5 of a dossier), else steps such as 0,5 (points)."""
    ax.set_xlim(0, max(list(values) + [1]) * room)
    ax.xaxis.set_major_locator(MaxNLocator(nbins=4, integer=True) if whole else
                               MaxNLocator(nbins=4, steps=[1, 2, 2.5, 5, 10]))
    ax.xaxis.set_major_formatter(VN_NUMBER)


def _titled(fig: Figure, title: str, note: str = "") -> None:
    """Put the title (and a grey note), wrapped to the chart's width, at the figure's top
    left, directly above the axes, so that a long title is never clipped by long bar labels;
    lay the axes out below it."""
    title, note = _wrap(title, 42), _wrap(note, 50) if note else ""
    height = fig.get_figheight()
    # fig.text, not suptitle: tight_layout reserves room for a suptitle on top of `rect`
    fig.text(0.01, 1 - 0.04 / height, title, ha="left", va="top", fontweight="bold",
             fontsize=TITLE)
    used = 0.04 + TITLE * LINE * (title.count("\n") + 1)
    if note:
        fig.text(0.01, 1 - (used + 0.02) / height, note, ha="left", va="top", fontsize=FONT,
                 color="#555")
        used += 0.02 + FONT * LINE * (note.count("\n") + 1)
    fig.tight_layout(rect=(0, 0, 1, 1 - (used + 0.02) / height), pad=0.3)
    fig.alt = title.replace("\n", " ") + (f" ({note.replace(chr(10), ' ')})" if note else "")


def _rate_axis(ax) -> None:
    """A rate axis always runs from 0 to 100% (room on the right for the value labels)."""
    ax.set_xlim(0, 150)
    ax.set_xticks(range(0, 101, 25))
    ax.xaxis.set_major_formatter(PERCENT)


def timeliness_by_level(results: Results) -> Figure:
    """Return stacked bars of resolved dossiers per level: early, on time, late."""
    levels = [lv for lv, v in results.by_level.items() if v["received_total"]]
    fig = _figure(0.62 * max(len(levels), 2) + 1.4)
    ax = fig.add_subplot()
    labels = [LEVEL_LABELS[lv] for lv in levels][::-1]
    left = [0] * len(levels)
    parts = (("resolved_early", "Trước hạn", "early"), ("resolved_on_time", "Đúng hạn", "on_time"),
             ("resolved_late", "Quá hạn", "late"))
    for key, label, color in parts:
        vals = [results.by_level[lv][key] for lv in levels][::-1]
        ax.barh(labels, vals, left=left, color=COLORS[color], label=label)
        left = [a + b for a, b in zip(left, vals, strict=True)]
    for y, lv in enumerate(levels[::-1]):
        v = results.by_level[lv]
        _label(ax, left[y], y, f"{fmt.number(v['resolved_total'])} hồ sơ\nđúng hạn "
               f"{fmt.percent(v['on_time_rate'])}")
    _value_axis(ax, left, room=1.6)
    ax.legend(ncols=3, loc="upper center", bbox_to_anchor=(0.5, -0.18), frameon=False,
              handlelength=1.2, columnspacing=1.0)
    _titled(fig, "Hồ sơ đã giải quyết theo cấp và thời hạn")
    return fig


def on_time_rate_by_field(results: Results, top: int = 15) -> Figure:
    """Return horizontal bars of the on-time rate per field, worst first (at the top)."""
    rows = [(f, v["on_time_rate"], v["resolved_total"]) for f, v in results.by_field.items()
            if v["on_time_rate"] is not None]
    rows = sorted(rows, key=lambda r: (r[1], r[0]))[:top]
    names = [_wrap(r[0], 22) for r in rows][::-1]
    lines = sum(n.count("\n") + 1 for n in names)
    fig = _figure(0.2 * lines + 0.18 * max(len(rows), 3) + 1.3)
    ax = fig.add_subplot()
    rates = [r[1] for r in rows][::-1]
    colors = [COLORS["bad"] if r < 99.0 else COLORS["bar"] for r in rates]
    ax.barh(names, rates, color=colors)
    ax.margins(y=0.01)
    for y, (rate, n) in enumerate(zip(rates, [r[2] for r in rows][::-1], strict=True)):
        _label(ax, rate, y, f"{fmt.percent(rate)}\n({fmt.number(n)})")
    _rate_axis(ax)
    _titled(fig, "Tỷ lệ giải quyết đúng hạn theo lĩnh vực",
            "thấp nhất ở trên; màu đỏ: dưới 99%; trong ngoặc: số hồ sơ đã giải quyết")
    return fig


def intake_by_week(results: Results) -> Figure | None:
    """Return lines of new dossiers per week of receipt: online vs direct/postal; None when
    there are no weekly counts (a report consolidated from members' reports)."""
    if not results.by_week:
        return None
    fig = _figure(3.2)
    ax = fig.add_subplot()
    weeks = [date.fromisoformat(w["week"]) for w in results.by_week]
    ax.plot(weeks, [w["online"] for w in results.by_week], marker="o", ms=3,
            color=COLORS["online"], label="Trực tuyến")
    ax.plot(weeks, [w["offline"] for w in results.by_week], marker="o", ms=3,
            color=COLORS["offline"], label="Trực tiếp và bưu chính")
    ax.yaxis.set_major_locator(MaxNLocator(nbins=5, integer=True))
    ax.yaxis.set_major_formatter(VN_NUMBER)
    ax.xaxis.set_major_locator(matplotlib.dates.AutoDateLocator(maxticks=5))
    ax.xaxis.set_major_formatter(FuncFormatter(
        lambda x, _p: matplotlib.dates.num2date(x).strftime("%d/%m")))
    ax.legend(frameon=False, ncols=2, loc="upper center", bbox_to_anchor=(0.5, -0.12),
              handlelength=1.2)
    ax.set_ylim(bottom=0)
    _titled(fig, "Hồ sơ mới tiếp nhận theo tuần",
            "mỗi điểm là một tuần, tính từ thứ Hai; tuần đầu và tuần cuối không trọn kỳ")
    return fig


def svg(fig: Figure) -> str:
    """Return the figure as SVG text (deterministic; text stays searchable), with a
    Vietnamese <title> for screen readers."""
    buf = io.StringIO()
    fig.savefig(buf, format="svg", metadata={"Date": None, "Creator": None})
    text = buf.getvalue()
    text = text[text.index("<svg"):]  # no XML prolog or DOCTYPE inside HTML
    alt = getattr(fig, "alt", "Biểu đồ")
    safe = alt.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    head_end = text.index(">") + 1
    return (text[:head_end].replace("<svg", f'<svg role="img" aria-label="{safe}"', 1)
            + f"<title>{safe}</title>" + text[head_end:])


def png(fig: Figure) -> bytes:
    """Return the figure as PNG bytes (deterministic: no timestamp metadata)."""
    buf = io.BytesIO()
    fig.savefig(buf, format="png", metadata={"Software": None})
    return buf.getvalue()


def _bars(title: str, labels: list[str], values: list[float], note: str = "",
          percent: bool = False, show=None, counts: bool = True) -> Figure:
    labels = [_wrap(label) for label in labels]
    lines = sum(label.count("\n") + 1 for label in labels)
    fig = _figure(0.2 * lines + 0.2 * len(labels) + 1.3)
    ax = fig.add_subplot()
    ax.barh(labels[::-1], values[::-1], color=COLORS["bar"])
    ax.margins(y=0.01)
    show = show or ((lambda v: fmt.percent(v)) if percent else fmt.number)
    for y, v in enumerate(values[::-1]):
        _label(ax, v, y, show(v))
    if percent:
        _rate_axis(ax)
    else:
        _value_axis(ax, values, whole=counts)
    _titled(fig, title, note)
    return fig


def online_rates(results: Results) -> Figure:
    """Return bars of the e-government rates computed from the dossiers: the official online
    rate, the rate over online public services only, digitised, paid online."""
    n = results.indicators
    rows = [("Trực tuyến (cách tính chính thức)", n["online_rate"]),
            ("Trực tuyến (chỉ TTHC có DVC trực tuyến)", n["online_rate_dvc"]),
            ("Hồ sơ được số hóa", n["digitised_rate"]),
            ("Thanh toán trực tuyến", n["paid_online_rate"])]
    rows = [(k, v) for k, v in rows if v is not None]
    return _bars("Thực hiện TTHC trên môi trường điện tử (từ dữ liệu hồ sơ)",
                 [r[0] for r in rows], [r[1] for r in rows],
                 "cách tính chính thức tính cả hồ sơ của TTHC chỉ cung cấp thông tin trực tuyến "
                 "ở mẫu số", percent=True)


def catalogue_charts(figures: dict) -> list[Figure]:
    """Return the chart of TTHC under the unit's authority by origin and level (section I.3),
    or nothing when fewer than two of those figures are typed."""
    cat = [(label, figures[k]) for k, label in (
        ("tthc_central", "Do Trung ương quy định"), ("tthc_local", "Do địa phương quy định"),
        ("tthc_level_tinh", "Cấp tỉnh"), ("tthc_other_agency", "Cấp tỉnh, cơ quan khác"),
        ("tthc_level_huyen", "Cấp huyện"), ("tthc_level_xa", "Cấp xã")) if k in figures]
    if len(cat) < 2:
        return []
    return [_bars("TTHC thuộc thẩm quyền theo nguồn quy định và theo cấp", [c[0] for c in cat],
                  [c[1] for c in cat], f"tổng số {fmt.number(figures.get('tthc_total'))} TTHC")]


def review_charts(figures: dict) -> list[Figure]:
    """Return the chart of review and simplification (section I.4), or nothing when fewer
    than two of those figures are typed."""
    rev = [(label, figures[k]) for k, label in (
        ("review_planned", "Giao rà soát"), ("review_reviewed", "Đã rà soát"),
        ("review_proposed", "Kiến nghị đơn giản hóa"), ("review_approved", "Được phê duyệt"),
        ("review_rejected", "Không đáp ứng yêu cầu"),
        ("review_no_proposal", "Không đề xuất")) if k in figures]
    if len(rev) < 2:
        return []
    return [_bars("Rà soát, đơn giản hóa TTHC", [r[0] for r in rev], [r[1] for r in rev])]


def index766_charts(card) -> list[Figure]:
    """Return the points lost per Decision 766 indicator, the biggest loss first (where to
    act first), or nothing when no scored indicator lost points."""
    losses = card.losses()[:10]
    if not losses:
        return []
    return [_bars("Điểm bị mất theo chỉ số (Bộ chỉ số 766): khắc phục từ trên xuống",
                  [s.rule.label for s in losses], [s.lost for s in losses],
                  "chỉ các chỉ số có đủ dữ liệu để tính điểm",
                  show=lambda v: fmt.decimal(v, 2), counts=False)]


def trend_charts(tr) -> list[Figure]:
    """Return the on-time and online rates over the unit's periods (0–100%), or nothing
    without a trend."""
    if tr is None:
        return []
    fig = _figure(3.4)
    ax = fig.add_subplot()
    labels = [p.label.replace(" ", "\n", 1) if len(tr.points) > 3 else p.label
              for p in tr.points]
    for key, name, color in (("on_time_rate", "Tỷ lệ giải quyết đúng hạn", "early"),
                             ("online_rate", "Tỷ lệ hồ sơ trực tuyến", "online")):
        values = [p.values.get(key) for p in tr.points]
        if any(v is not None for v in values):
            ax.plot(labels, [float("nan") if v is None else v for v in values], marker="o",
                    ms=4, color=COLORS[color], label=name)
    ax.set_ylim(0, 105)
    ax.set_yticks(range(0, 101, 25))
    ax.yaxis.set_major_formatter(PERCENT)
    ax.legend(frameon=False, loc="lower left")
    _titled(fig, "Tỷ lệ đúng hạn và tỷ lệ trực tuyến qua các kỳ",
            "kỳ báo cáo từ ngày 15 tháng trước đến ngày 14 (Nghị định 09/2019/NĐ-CP)")
    return [fig]
