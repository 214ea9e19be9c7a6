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
                            "svg.hashsalt": "tthc", "axes.spines.top": False,
                            "axes.spines.right": False})
VN_NUMBER = FuncFormatter(lambda x, _pos: fmt.number(x))


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
        ax.text(left[y], y, f"  {fmt.number(v['resolved_total'])} hồ sơ, đúng hạn "
                f"{fmt.percent(v['on_time_rate'])}", va="center", fontsize=8)
    ax.xaxis.set_major_formatter(VN_NUMBER)
    ax.set_xlim(0, max(left + [1]) * 1.45)
    ax.set_title("Hồ sơ đã giải quyết theo cấp và thời hạn", loc="left", fontweight="bold")
    ax.legend(ncols=3, loc="upper center", bbox_to_anchor=(0.5, -0.12), frameon=False,
              fontsize=8)
    fig.tight_layout()
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
    worst = min(rates) if rates else 0
    colors = [COLORS["bad"] if r < 99.0 else COLORS["bar"] for r in rates]
    ax.barh(names, rates, color=colors)
    for y, (rate, n) in enumerate(zip(rates, [r[2] for r in rows][::-1], strict=True)):
        ax.text(rate, y, f" {fmt.percent(rate)} ({fmt.number(n)})", va="center", fontsize=8)
    ax.set_xlim(max(0, min(worst - 2, 95)), 101.5)
    ax.xaxis.set_major_formatter(FuncFormatter(lambda x, _p: fmt.percent(x, 0)))
    ax.set_title("Tỷ lệ giải quyết đúng hạn theo lĩnh vực\n", loc="left", fontweight="bold")
    ax.text(0, 1.02, "thấp nhất ở trên; màu đỏ: dưới 99%; trong ngoặc: số hồ sơ đã giải quyết",
            transform=ax.transAxes, fontsize=8, color="#555")
    fig.tight_layout()
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
    ax.set_title("Hồ sơ mới tiếp nhận theo tuần\n", loc="left", fontweight="bold")
    ax.text(0, 1.02, "mỗi điểm là một tuần, tính từ thứ Hai; tuần đầu và tuần cuối không trọn kỳ",
            transform=ax.transAxes, fontsize=8, color="#555")
    ax.legend(frameon=False, fontsize=8)
    ax.set_ylim(bottom=0)
    fig.tight_layout()
    return fig


def png(fig: Figure) -> bytes:
    """Return the figure as PNG bytes (deterministic: no timestamp metadata)."""
    buf = io.BytesIO()
    fig.savefig(buf, format="png", metadata={"Software": None})
    return buf.getvalue()


def _bars(title: str, labels: list[str], values: list[float], note: str = "",
          percent: bool = False) -> Figure:
    fig = Figure(figsize=(7.5, 0.45 * len(labels) + 1.1), dpi=110)
    ax = fig.add_subplot()
    ax.barh(labels[::-1], values[::-1], color=COLORS["bar"])
    show = (lambda v: fmt.percent(v)) if percent else fmt.number
    for y, v in enumerate(values[::-1]):
        ax.text(v, y, f" {show(v)}", va="center", fontsize=8)
    ax.set_xlim(0, max(values + [1]) * 1.2)
    ax.xaxis.set_major_formatter(FuncFormatter(lambda x, _p: fmt.percent(x, 0)) if percent
                                 else VN_NUMBER)
    ax.set_title(title + ("\n" if note else ""), loc="left", fontweight="bold")
    if note:
        ax.text(0, 1.02, note, transform=ax.transAxes, fontsize=8, color="#555")
    fig.tight_layout()
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
