"""Charts of the report, drawn from `Results` only. Each function returns a matplotlib
Figure (not registered with pyplot, so notebooks show it exactly once)."""

from __future__ import annotations

import io
from datetime import date

import matplotlib
import matplotlib.dates

matplotlib.use("Agg")
from matplotlib.figure import Figure  # noqa: E402
from matplotlib.ticker import FuncFormatter  # noqa: E402

from . import fmt  # noqa: E402
from .compute import Results  # noqa: E402
from .schema import LEVEL_LABELS  # noqa: E402

COLORS = {"early": "#2e7d32", "on_time": "#81c784", "late": "#c62828",
          "online": "#1565c0", "offline": "#f9a825", "bar": "#455a64", "bad": "#c62828"}
matplotlib.rcParams.update({"font.family": "DejaVu Sans", "font.size": 9,
                            "svg.hashsalt": "tthc", "svg.fonttype": "none",  # text stays text
                            "text.parse_math": False,  # "$…$" in a field name is text
                            "axes.spines.top": False, "axes.spines.right": False})
VN_NUMBER = FuncFormatter(lambda x, _pos: fmt.number(x))
PERCENT = FuncFormatter(lambda x, _p: fmt.percent(x, 0))


def _label(ax, x: float, y: float, text: str) -> None:
    """Write a value just right of a bar's end (an offset, not spaces: SVG drops those)."""
    ax.annotate(text, (x, y), xytext=(3, 0), textcoords="offset points", va="center",
                fontsize=8)


def _titled(fig: Figure, title: str, note: str = "") -> None:
    """Put the title (and a grey note) at the figure's top left, above the axes, so that a
    long title is never clipped by long bar labels; lay the axes out below it."""
    fig.suptitle(title, x=0.01, y=0.99, ha="left", va="top", fontweight="bold", fontsize=10)
    if note:
        fig.text(0.01, 0.99 - 0.22 / fig.get_figheight(), note, ha="left", va="top",
                 fontsize=8, color="#555")
    top = 1 - (0.5 if note else 0.32) / fig.get_figheight()
    fig.tight_layout(rect=(0, 0, 1, top))
    fig.alt = title + (f" ({note})" if note else "")


def _rate_axis(ax) -> None:
    """A rate axis always runs from 0 to 100% (room on the right for the value labels)."""
    ax.set_xlim(0, 130)
    ax.set_xticks(range(0, 101, 20))
    ax.xaxis.set_major_formatter(PERCENT)


def timeliness_by_level(results: Results) -> Figure:
    """Return stacked bars of resolved dossiers per level: early, on time, late."""
    fig = Figure(figsize=(7.5, 2.8), dpi=110)
    ax = fig.add_subplot()
    levels = [lv for lv, v in results.by_level.items() if v["received_total"]]
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
        _label(ax, left[y], y, f"{fmt.number(v['resolved_total'])} hồ sơ, đúng hạn "
               f"{fmt.percent(v['on_time_rate'])}")
    ax.xaxis.set_major_formatter(VN_NUMBER)
    ax.set_xlim(0, max(left + [1]) * 1.45)
    ax.legend(ncols=3, loc="upper center", bbox_to_anchor=(0.5, -0.12), frameon=False,
              fontsize=8)
    _titled(fig, "Hồ sơ đã giải quyết theo cấp và thời hạn")
    return fig


def on_time_rate_by_field(results: Results, top: int = 15) -> Figure:
    """Return horizontal bars of the on-time rate per field, worst first (at the top)."""
    rows = [(f, v["on_time_rate"], v["resolved_total"]) for f, v in results.by_field.items()
            if v["on_time_rate"] is not None]
    rows = sorted(rows, key=lambda r: (r[1], r[0]))[:top]
    fig = Figure(figsize=(7.5, 0.35 * max(len(rows), 3) + 1.0), dpi=110)
    ax = fig.add_subplot()
    names = [r[0] for r in rows][::-1]
    rates = [r[1] for r in rows][::-1]
    colors = [COLORS["bad"] if r < 99.0 else COLORS["bar"] for r in rates]
    ax.barh(names, rates, color=colors)
    for y, (rate, n) in enumerate(zip(rates, [r[2] for r in rows][::-1], strict=True)):
        _label(ax, rate, y, f"{fmt.percent(rate)} ({fmt.number(n)})")
    _rate_axis(ax)
    _titled(fig, "Tỷ lệ giải quyết đúng hạn theo lĩnh vực",
            "thấp nhất ở trên; màu đỏ: dưới 99%; trong ngoặc: số hồ sơ đã giải quyết")
    return fig


def intake_by_week(results: Results) -> Figure:
    """Return lines of new dossiers per week of receipt: online vs direct/postal."""
    fig = Figure(figsize=(7.5, 2.8), dpi=110)
    ax = fig.add_subplot()
    weeks = [date.fromisoformat(w["week"]) for w in results.by_week]
    ax.plot(weeks, [w["online"] for w in results.by_week], marker="o", ms=3,
            color=COLORS["online"], label="Trực tuyến")
    ax.plot(weeks, [w["offline"] for w in results.by_week], marker="o", ms=3,
            color=COLORS["offline"], label="Trực tiếp và bưu chính")
    ax.yaxis.set_major_formatter(VN_NUMBER)
    ax.xaxis.set_major_formatter(FuncFormatter(
        lambda x, _p: matplotlib.dates.num2date(x).strftime("%d/%m")))
    ax.legend(frameon=False, fontsize=8)
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
          percent: bool = False, show=None) -> Figure:
    fig = Figure(figsize=(7.5, 0.45 * len(labels) + 1.1), dpi=110)
    ax = fig.add_subplot()
    ax.barh(labels[::-1], values[::-1], color=COLORS["bar"])
    show = show or ((lambda v: fmt.percent(v)) if percent else fmt.number)
    for y, v in enumerate(values[::-1]):
        _label(ax, v, y, show(v))
    if percent:
        _rate_axis(ax)
    else:
        ax.set_xlim(0, max(values + [1]) * 1.2)
        ax.xaxis.set_major_formatter(VN_NUMBER)
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
                  show=lambda v: fmt.decimal(v, 2))]



def trend_charts(tr) -> list[Figure]:
    """Return the on-time and online rates over the unit's periods (0–100%), or nothing
    without a trend."""
    if tr is None:
        return []
    fig = Figure(figsize=(7.5, 2.8), dpi=110)
    ax = fig.add_subplot()
    labels = [p.label for p in tr.points]
    for key, name, color in (("on_time_rate", "Tỷ lệ giải quyết đúng hạn", "early"),
                             ("online_rate", "Tỷ lệ hồ sơ trực tuyến", "online")):
        values = [p.values.get(key) for p in tr.points]
        if any(v is not None for v in values):
            ax.plot(labels, [float("nan") if v is None else v for v in values], marker="o",
                    ms=4, color=COLORS[color], label=name)
    ax.set_ylim(0, 105)
    ax.yaxis.set_major_formatter(FuncFormatter(lambda y, _p: fmt.percent(y, 0)))
    ax.legend(frameon=False, fontsize=8, loc="lower left")
    _titled(fig, "Tỷ lệ đúng hạn và tỷ lệ trực tuyến qua các kỳ",
            "kỳ báo cáo từ ngày 15 tháng trước đến ngày 14 (Nghị định 09/2019/NĐ-CP)")
    return [fig]
