"""Cross-checks: form II.06 identities on the computed results, and the figures the analyst
typed (or that were published) against each other and against the data."""

from __future__ import annotations

from dataclasses import dataclass

from ..core import fmt
from ..core.schema import LEVEL_LABELS
from ..model.registry import (
    COUNTS,
    FIGURE_IDENTITIES,
    FIGURE_MIRRORS,
    FIGURES,
    IDENTITIES,
    POLICY_ONLY,
    REGISTRY,
    identity_parts,
)
from ..model.results import Results, Values, rate


@dataclass(frozen=True)
class Finding:
    """One check: what was compared, whether it held, and a plain-Vietnamese sentence."""

    check: str
    ok: bool
    message: str


def _identity_text(values: Values, left: str, parts: tuple[str, ...]) -> tuple[bool, str]:
    parts = identity_parts(values, parts)
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
            if any(values[t] is None for t in (left, *parts)):
                continue  # a term the export cannot give (no channel column, …)
            ok, text = _identity_text(values, left, parts)
            out.append(Finding(f"identity:{left}", ok, f"{text} ({scope})"))
    for name, breakdown in (("các cấp", results.by_level), ("các lĩnh vực", results.by_field),
                            ("các cơ quan", results.by_agency)):
        bad = [c.id for c in COUNTS if results.indicators[c.id] is not None
               and sum(v[c.id] for v in breakdown.values()) != results.indicators[c.id]]
        total = sum(v["received_total"] for v in breakdown.values())
        msg = (f"Cộng {name}: {fmt.number(total)} hồ sơ tiếp nhận, bằng tổng toàn đơn vị"
               if not bad else f"Cộng {name} không bằng tổng ở các chỉ tiêu: "
               + "; ".join(REGISTRY[b].in_sentence for b in bad))
        out.append(Finding(f"sum:{name}", not bad, msg))
    return out


def _terms(figures: dict[str, float], ids: tuple[str, ...]) -> str:
    return " + ".join(f"{REGISTRY[t].label_vi} {fmt.number(figures[t])}" for t in ids)


def figure_values(typed: dict[str, float]) -> dict[str, float | None]:
    """Return the typed figures plus every figure ratio recomputed from its typed parts
    (a typed ratio is replaced by the recomputed one; `typed` keeps what was published)."""
    values: dict[str, float | None] = {k: v for k, v in typed.items()
                                       if REGISTRY[k].kind == "count"}
    for ind in FIGURES:
        if ind.kind == "ratio" and ind.numerator in values and ind.denominator in values:
            values[ind.id] = rate(values[ind.numerator], values[ind.denominator])
    return values


def typed_figures(figures: dict[str, float], results: Results,
                  extra: dict[str, tuple[float, str]] | None = None) -> list[Finding]:
    """Return findings where typed figures disagree with each other or with the data.
    `extra` maps a typed figure id to (value computed from the data, how it was computed)."""
    out = []
    values = figure_values(figures)
    for left, right in FIGURE_IDENTITIES:
        terms = left + right
        if all(t in figures for t in terms):
            a, b = sum(figures[t] for t in left), sum(figures[t] for t in right)
            if a != b:
                out.append(Finding(f"figure-identity:{'+'.join(left)}", False,
                                   f"Số liệu đã nhập không khớp nhau: {_terms(figures, left)} ≠ "
                                   f"{_terms(figures, right)} (= {fmt.number(b)})."))
    for key, typed in figures.items():
        ind = REGISTRY[key]
        if ind.source == "figure" and ind.kind == "ratio" and values.get(key) is not None:
            if round(typed, 1) != round(values[key], 1):
                out.append(Finding(
                    f"figure-ratio:{key}", False,
                    f"{ind.label_vi}: số đã công bố {fmt.percent(typed)}, tính lại từ "
                    f"{fmt.number(figures[ind.numerator])}/{fmt.number(figures[ind.denominator])}"
                    f" là {fmt.percent(values[key])}."))
        if key in FIGURE_MIRRORS:
            data_id = FIGURE_MIRRORS[key]
            computed = results.indicators[data_id]
            if computed is not None and computed != typed:
                out.append(Finding(
                    f"figure-vs-data:{key}", False,
                    f"{ind.label_vi}: số đã công bố {fmt.number(typed)}, dữ liệu hồ sơ cho "
                    f"{fmt.number(computed)} ({REGISTRY[data_id].label_vi})."))
    for key, (computed, how) in (extra or {}).items():
        if key in figures and figures[key] != computed:
            out.append(Finding(f"figure-vs-data:{key}", False,
                               f"{REGISTRY[key].label_vi}: số đã công bố "
                               f"{fmt.number(figures[key])}, dữ liệu hồ sơ cho "
                               f"{fmt.number(computed)} ({how})."))
    for left, parts in IDENTITIES:
        if left in figures and all(p in figures or p in POLICY_ONLY for p in parts):
            ok, text = _identity_text(figures, left, parts)
            if not ok:
                total = fmt.number(sum(figures.get(p, 0) for p in parts))
                out.append(Finding(f"typed-identity:{left}", False,
                                   f"Số liệu đã nhập/công bố không khớp nhau — {text} = {total}."))
    for key, typed in figures.items():
        ind = REGISTRY[key]
        if ind.source != "data":
            continue
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
