"""The indicator registry: every indicator is declared here, once.

A count indicator says which classified dossiers it counts (`where`, a filter on the
derived columns of `classify`); a ratio names its numerator and denominator indicators.
Narrative, charts, forms, checks and `tthc compute` all read from this registry.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Literal

from .classify import CHANNEL_GROUP, INTAKE, OUTCOME

Kind = Literal["count", "ratio"]
RESOLVED = ("early", "on_time", "late")
PENDING = ("pending_in_time", "pending_overdue")


@dataclass(frozen=True)
class Indicator:
    """One indicator: id, Vietnamese label, form and column, unit, and its formula."""

    id: str
    label_vi: str
    form: str
    column: str | None
    unit: str
    kind: Kind
    where: MappingProxyType = field(default_factory=lambda: MappingProxyType({}))
    numerator: str | None = None
    denominator: str | None = None


def count(id, label_vi, column, **where) -> Indicator:
    """Return a count indicator of form II.06 over dossiers matching `where`."""
    frozen = {k: (v,) if isinstance(v, str) else tuple(v) for k, v in where.items()}
    return Indicator(id, label_vi, "II.06", column, "hồ sơ", "count",
                     MappingProxyType(frozen))


def ratio(id, label_vi, numerator, denominator, form="II.06") -> Indicator:
    """Return a ratio indicator (percent) of two other indicators."""
    return Indicator(id, label_vi, form, None, "%", "ratio", numerator=numerator,
                     denominator=denominator)


_W = {"intake": INTAKE, "channel": CHANNEL_GROUP, "outcome": OUTCOME}


def _c(id, label_vi, column, **where):
    return count(id, label_vi, column, **{_W[k]: v for k, v in where.items()})


INDICATORS: tuple[Indicator, ...] = (
    _c("received_total", "Tổng số hồ sơ tiếp nhận", "(3)"),
    _c("received_new", "Số mới tiếp nhận trong kỳ", "(4)+(5)", intake="new"),
    _c("received_new_online", "Số mới tiếp nhận trực tuyến", "(4)", intake="new",
       channel="online"),
    _c("received_new_offline", "Số mới tiếp nhận trực tiếp và qua dịch vụ bưu chính", "(5)",
       intake="new", channel="offline"),
    _c("carried_over", "Số từ kỳ trước chuyển qua", "(6)", intake="carried"),
    _c("resolved_total", "Số hồ sơ đã giải quyết", "(7)", outcome=RESOLVED),
    _c("resolved_early", "Giải quyết trước hạn", "(8)", outcome="early"),
    _c("resolved_on_time", "Giải quyết đúng hạn", "(9)", outcome="on_time"),
    _c("resolved_late", "Giải quyết quá hạn", "(10)", outcome="late"),
    _c("resolved_not_late", "Giải quyết đúng hạn (gồm trước hạn)", "(8)+(9)",
       outcome=("early", "on_time")),
    _c("pending_total", "Số hồ sơ đang giải quyết", "(11)", outcome=PENDING),
    _c("pending_in_time", "Đang giải quyết trong hạn", "(12)", outcome="pending_in_time"),
    _c("pending_overdue", "Đang giải quyết quá hạn", "(13)", outcome="pending_overdue"),
    ratio("on_time_rate", "Tỷ lệ giải quyết đúng hạn", "resolved_not_late", "resolved_total"),
    ratio("early_rate", "Tỷ lệ giải quyết trước hạn", "resolved_early", "resolved_total"),
    ratio("online_rate", "Tỷ lệ hồ sơ trực tuyến", "received_new_online", "received_new"),
)

REGISTRY: dict[str, Indicator] = {i.id: i for i in INDICATORS}
COUNTS = tuple(i for i in INDICATORS if i.kind == "count")
RATIOS = tuple(i for i in INDICATORS if i.kind == "ratio")

# Form II.06's identities: left side = sum of the right side's parts.
IDENTITIES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("received_total", ("received_new_online", "received_new_offline", "carried_over")),
    ("received_new", ("received_new_online", "received_new_offline")),
    ("resolved_total", ("resolved_early", "resolved_on_time", "resolved_late")),
    ("resolved_not_late", ("resolved_early", "resolved_on_time")),
    ("pending_total", ("pending_in_time", "pending_overdue")),
    ("received_total", ("resolved_total", "pending_total")),
)

# The 13 columns of form II.06, in order, after STT and the row name.
FORM_II06_COLUMNS = (
    "received_total", "received_new_online", "received_new_offline", "carried_over",
    "resolved_total", "resolved_early", "resolved_on_time", "resolved_late",
    "pending_total", "pending_in_time", "pending_overdue",
)


def get(indicator_id: str) -> Indicator:
    """Return the registered indicator with this id (KeyError names the known ids)."""
    try:
        return REGISTRY[indicator_id]
    except KeyError:
        raise KeyError(f"unknown indicator {indicator_id!r}; known: {sorted(REGISTRY)}") from None
