"""Cross-checks: form II.06 identities on the computed results, and the figures the analyst
typed (or that were published) against each other and against the data."""

from __future__ import annotations

from dataclasses import dataclass

from . import fmt
from .compute import Results, Values
from .registry import COUNTS, IDENTITIES, REGISTRY
from .schema import LEVEL_LABELS


@dataclass(frozen=True)
class Finding:
    """One check: what was compared, whether it held, and a plain-Vietnamese sentence."""

    check: str
    ok: bool
    message: str


def _identity_text(values: Values, left: str, parts: tuple[str, ...]) -> tuple[bool, str]:
    total = sum(values[p] for p in parts)
    ok = values[left] == total
    label = REGISTRY[left].label_vi
    terms = " + ".join(fmt.number(values[p]) for p in parts)
    sign = "=" if ok else "≠"
    return ok, f"{label}: {fmt.number(values[left])} {sign} {terms}"


def identities(results: Results) -> list[Finding]:
    """Return a finding for each II.06 identity, on the total and on every level, and for
    levels and fields adding up to the total."""
    out = []
    scopes = [("toàn đơn vị", results.indicators)] + [
        (LEVEL_LABELS[lv].lower(), v) for lv, v in results.by_level.items()]
    for scope, values in scopes:
        for left, parts in IDENTITIES:
            ok, text = _identity_text(values, left, parts)
            out.append(Finding(f"identity:{left}", ok, f"{text} ({scope})"))
    for name, breakdown in (("các cấp", results.by_level), ("các lĩnh vực", results.by_field),
                            ("các cơ quan", results.by_agency)):
        bad = [c.id for c in COUNTS
               if sum(v[c.id] for v in breakdown.values()) != results.indicators[c.id]]
        total = sum(v["received_total"] for v in breakdown.values())
        msg = (f"Cộng {name}: {fmt.number(total)} hồ sơ tiếp nhận, bằng tổng toàn đơn vị"
               if not bad else f"Cộng {name} không bằng tổng ở các chỉ tiêu: {', '.join(bad)}")
        out.append(Finding(f"sum:{name}", not bad, msg))
    return out


def typed_figures(figures: dict[str, float], results: Results) -> list[Finding]:
    """Return findings where typed figures disagree with each other or with the data."""
    out = []
    for left, parts in IDENTITIES:
        if left in figures and all(p in figures for p in parts):
            ok, text = _identity_text(figures, left, parts)
            if not ok:
                total = fmt.number(sum(figures[p] for p in parts))
                out.append(Finding(f"typed-identity:{left}", False,
                                   f"Số liệu đã nhập/công bố không khớp nhau — {text} = {total}."))
    for key, typed in figures.items():
        ind = REGISTRY[key]
        computed = results.indicators.get(key)
        if computed is None:
            continue
        if ind.kind == "ratio":
            same = round(typed, 1) == round(computed, 1)
            shown = (fmt.percent(typed), fmt.percent(computed))
        else:
            same = typed == computed
            shown = (fmt.number(typed), fmt.number(computed))
        if not same:
            out.append(Finding(
                f"typed-vs-data:{key}", False,
                f"{ind.label_vi}: số đã nhập/công bố là {shown[0]}, số tính từ dữ liệu hồ sơ là "
                f"{shown[1]}; báo cáo dùng số tính từ dữ liệu."))
    return out
