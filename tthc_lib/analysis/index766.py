"""The Decision 766/QĐ-TTg service index, scored from declared rules (rules/index766.yaml).

Each rule scores cap × min(1, rate / full_at) with rate = num / den; a group never exceeds its
points. Numerators and denominators come from the dossiers (`data:` indicators of the
registry), from figures typed in the params (`figure:`) or from the params' `index766:` block.
A rule whose source is missing scores nothing and says so ("không có dữ liệu"); the total
then says how many points could be scored at all.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from functools import cache

from ..core import fmt
from ..core.errors import InputError, messages
from ..core.paths import PACKAGE

SURE = {"reproduced": "đã đối chiếu với điểm của Cổng DVCQG",
        "published": "theo công thức công bố, chưa đối chiếu",
        "not_reproduced": "chưa khớp với điểm Cổng DVCQG hiện hành"}
KINDS = ("data", "figure", "index766")
SCOPES = {"tinh": "cấp tỉnh", "xa": "cấp xã"}  # the portal's sheet: "Tỉnh, xã" or "Tỉnh"


@dataclass(frozen=True)
class Group:
    id: str
    label: str
    points: float


@dataclass(frozen=True)
class Rule:
    """One scored indicator: cap × min(1, (num / den) / full_at)."""

    id: str
    group: str
    label: str
    more: str  # what one more of the numerator is, for "thêm N … thì đạt đủ điểm"
    cap: float
    num: tuple[str, ...]
    den: tuple[str, ...]
    full_at: float = 1.0
    empty: str = "none"  # none | full | zero: the score when the denominator is 0
    sure: str = "reproduced"
    unit: str = ""
    note: str = ""
    scope: tuple[str, ...] = ("tinh", "xa")  # the levels of unit the indicator applies to


@dataclass(frozen=True)
class Method:
    name: str
    label: str
    groups: tuple[Group, ...]
    rules: tuple[Rule, ...]

    def keys(self, kind: str) -> set[str]:
        """Return the source ids of one kind (data, figure, index766) the rules read."""
        return {ref.split(":", 1)[1] for r in self.rules for ref in (*r.num, *r.den)
                if ref.startswith(kind + ":")}


def _refs(value, where: str) -> tuple[str, ...]:
    refs = (value,) if isinstance(value, str) else tuple(value or ())
    if not refs or not all(isinstance(r, str) and r.split(":", 1)[0] in KINDS and ":" in r
                           for r in refs):
        raise InputError("index766_refs", where=where, found=repr(value))
    return refs


def _scope(value, where: str) -> tuple[str, ...]:
    scope = tuple(SCOPES) if value is None else (value,) if isinstance(value, str) \
        else tuple(value) if isinstance(value, list) else ()
    if not scope or any(s not in SCOPES for s in scope):
        raise InputError("index766_scope", where=where, found=repr(value),
                         scopes=", ".join(SCOPES))
    return scope


def parse_method(raw: dict, source: str) -> Method:
    """Return the Method declared in `raw` (a parsed YAML), or raise InputError naming the
    rule and key that is wrong."""
    from ..model.registry import REGISTRY

    groups = tuple(Group(g["id"], g["label"], float(g["points"])) for g in raw["groups"])
    ids = {g.id for g in groups}
    rules = []
    for item in raw["indicators"]:
        where = f"{source}: chỉ số '{item.get('id')}'"
        if item.get("group") not in ids:
            raise InputError("index766_group", where=where, group=item.get("group"))
        rule = Rule(id=item["id"], group=item["group"], label=item["label"],
                    more=item.get("more", item["label"]), cap=float(item["cap"]),
                    num=_refs(item.get("num"), where), den=_refs(item.get("den"), where),
                    full_at=float(item.get("full_at", 1)), empty=item.get("empty", "none"),
                    sure=item.get("sure", "published"), unit=item.get("unit", ""),
                    note=item.get("note", ""), scope=_scope(item.get("scope"), where))
        if not 0 < rule.full_at <= 1 or rule.cap <= 0:
            raise InputError("index766_cap", where=where)
        if rule.empty not in ("none", "full", "zero") or rule.sure not in SURE:
            raise InputError("index766_empty", where=where, sure=", ".join(SURE))
        for ref in (*rule.num, *rule.den):
            kind, key = ref.split(":", 1)
            want = {"data": "data", "figure": "figure"}.get(kind)
            if want and (key not in REGISTRY or REGISTRY[key].source != want
                         or REGISTRY[key].kind != "count"):
                raise InputError("index766_ref_kind", where=where, ref=ref, kind=kind)
        rules.append(rule)
    return Method(raw["name"], raw["label"], groups, tuple(rules))


@cache
def method() -> Method:
    """Return the shipped method (Decision 766, 2022 online-services formula)."""
    from ..rules.profiles import read_yaml_text

    path = PACKAGE / "rules" / "index766.yaml"
    return parse_method(read_yaml_text(path.read_text(encoding="utf-8")), path.name)


@dataclass
class Score:
    rule: Rule
    num: float | None
    den: float | None
    points: float | None
    missing: tuple[str, ...] = ()  # the sources that had no value
    over: bool = False  # the numerator exceeds the denominator: not scored

    @property
    def why(self) -> str:
        """Why the rule is not scored: the missing values, or a part larger than its whole."""
        if self.over:
            return messages()["index766_over"].format(
                num=fmt.number(self.num), den=fmt.number(self.den), refs=self.refs)
        return "cần " + self.wanted

    @property
    def refs(self) -> str:
        """The rule's typed numerator keys (params keys), or the data indicator's label."""
        return ", ".join(_where(r) for r in self.rule.num)

    @property
    def wanted(self) -> str:
        """Where the missing values go: params keys, or the export's columns."""

        return ", ".join(_where(r) for r in self.missing)

    @property
    def rate(self) -> float | None:
        """num / den in percent (None when missing or the denominator is 0)."""
        if self.num is None or not self.den:
            return None
        return 100.0 * self.num / self.den

    @property
    def lost(self) -> float | None:
        return None if self.points is None else self.rule.cap - self.points

    @property
    def need(self) -> int | None:
        """How many more of the numerator would give full points (None if unknown)."""
        if self.num is None or not self.den or not self.lost:
            return None
        return max(0, math.ceil(self.rule.full_at * self.den - 1e-9) - int(self.num))


def _where(ref: str) -> str:
    """Where a source value comes from: a params key, or the export's column."""
    from ..model.registry import REGISTRY

    kind, key = ref.split(":", 1)
    if kind == "data":
        return f"tệp hồ sơ có cột cho “{REGISTRY[key].label_vi}”"
    return ("figures." if kind == "figure" else "index766.") + key


@dataclass
class GroupScore:
    group: Group
    scores: list[Score]

    @property
    def max(self) -> float:
        """The group's points for this unit: its in-scope rules' caps, at most the group's."""
        return min(self.group.points, sum(s.rule.cap for s in self.scores))

    @property
    def points(self) -> float:
        """The points of the rules that could be scored, capped at the group's points."""
        return min(self.group.points, sum(s.points or 0.0 for s in self.scores))

    @property
    def complete(self) -> bool:
        return all(s.points is not None for s in self.scores)

    @property
    def missing(self) -> list[Score]:
        return [s for s in self.scores if s.points is None]


@dataclass
class Scorecard:
    method: Method
    groups: list[GroupScore] = field(default_factory=list)
    scope: str = "tinh"
    left_out: list[Rule] = field(default_factory=list)  # rules of another level of unit

    @property
    def maximum(self) -> float:
        """The points this unit can score at most: 100 for a province, fewer for a commune
        (the province-only indicators are left out, not scored 0)."""
        return sum(g.max for g in self.groups)

    @property
    def scores(self) -> list[Score]:
        return [s for g in self.groups for s in g.scores]

    @property
    def total(self) -> float:
        return sum(g.points for g in self.groups)

    @property
    def scorable(self) -> float:
        """The points the available data could score at most."""
        return sum(min(g.group.points, sum(s.rule.cap for s in g.scores if s.points is not None))
                   for g in self.groups)

    def losses(self) -> list[Score]:
        """Scored rules that lost points, the biggest loss first (where to act first)."""
        return sorted((s for s in self.scores if s.lost), key=lambda s: -s.lost)

    def to_json(self) -> dict:
        return {
            "method": self.method.name, "total": round(self.total, 2),
            "scorable": round(self.scorable, 2), "maximum": round(self.maximum, 2),
            "scope": self.scope, "left_out": [r.id for r in self.left_out],
            "groups": [{"id": g.group.id, "label": g.group.label, "max": g.max,
                        "points": round(g.points, 2), "complete": g.complete,
                        "indicators": [{"id": s.rule.id, "label": s.rule.label,
                                        "cap": s.rule.cap, "num": s.num, "den": s.den,
                                        "rate": None if s.rate is None else round(s.rate, 2),
                                        "points": None if s.points is None else
                                        round(s.points, 2), "need": s.need,
                                        "over": s.over, "sure": s.rule.sure}
                                       for s in g.scores]}
                       for g in self.groups if g.scores]}


def _value(refs: tuple[str, ...], values: dict[str, float | None]) -> float | None:
    got = [values.get(ref) for ref in refs]
    return None if any(v is None for v in got) else float(sum(got))


def score(values: dict[str, float | None], m: Method | None = None,
          scope: str = "tinh") -> Scorecard:
    """Score every rule of `m` (default: the shipped method) that applies to a unit of
    `scope` (tinh | xa) from `values`, keyed by source reference (`data:received_total`,
    `figure:tthc_in_scope`, `index766:…`). A numerator larger than its denominator is not
    scored (flagged `over`): capping it at full points would hide a wrong figure."""
    m = m or method()
    card = Scorecard(m, scope=scope, left_out=[r for r in m.rules if scope not in r.scope])
    for g in m.groups:
        scores = []
        for r in (r for r in m.rules if r.group == g.id and scope in r.scope):
            num, den = _value(r.num, values), _value(r.den, values)
            over = num is not None and den is not None and num > den * (1 + 1e-9)
            if over:
                points = None
            elif den == 0 and r.empty != "none":
                points = r.cap if r.empty == "full" else 0.0
            elif num is None or not den:
                points = None
            else:
                points = r.cap * min(1.0, (num / den) / r.full_at)
            missing = tuple(ref for ref in (*r.num, *r.den) if values.get(ref) is None)
            scores.append(Score(r, num, den, points,
                                () if points is not None or over else missing, over))
        card.groups.append(GroupScore(g, scores))
    return card


def values_from(results, figures: dict | None = None, counts: dict | None = None
                ) -> dict[str, float | None]:
    """Return the source values: the run's indicators, the params' figures and its
    `index766:` counts."""
    out: dict[str, float | None] = {f"data:{k}": v for k, v in results.indicators.items()}
    out |= {f"figure:{k}": v for k, v in (figures or {}).items()}
    out |= {f"index766:{k}": v for k, v in (counts or {}).items()}
    return out
