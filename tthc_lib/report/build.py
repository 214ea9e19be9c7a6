"""One report's data, end to end: params → load → classify → compute → checks.

`build_report` is what the notebook (and an analyst in JupyterLab) calls; the returned
`Report` renders each part of the document as an HTML fragment.
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING

import markupsafe
import yaml

from ..analysis import checks
from ..analysis.checks import Finding
from ..core import fmt
from ..core.errors import InputError, messages
from ..core.paths import user_path
from ..core.version import tool_version
from ..engine import (
    DATA_ERRORS,
    EXCLUSIONS,
    FIELD_FROM,
    LEVEL_FROM,
    Dataset,
    Run,
    data_errors,
    run,
    window_count,
)
from ..engine.run import empty_period, stale_note
from ..model.published import stamp
from ..model.results import Results
from ..model.sections import BY_KEY, SECTIONS, TEXT_KEYS, present
from ..rules.catalog import load_catalog
from ..rules.policy import builtin_policies, load_policy
from ..rules.profiles import load_profile
from .narrative import ii06_rows, ranked_late, render, results_view
from .spec import ReportSpec, data_origin, load_spec

if TYPE_CHECKING:
    from ..analysis.rollup import Rollup


class Figures(dict):
    """The typed figures as templates see them: a figure not typed reads as None ("–"),
    never as an error or a 0; `'x' in f` still tells whether it was typed."""

    def __missing__(self, key):
        return None


@dataclass
class Report:
    """Everything the document shows, computed once."""

    spec: ReportSpec
    dataset: Dataset | None  # None: consolidated from members' reports alone
    run: Run | None
    results: Results
    identities: list[Finding]
    typed: list[Finding]
    generated_at: datetime
    figures: dict = field(default_factory=dict)  # typed figures + recomputed figure ratios
    own: Results | None = None  # department: its own fields, without interconnected groups
    window: dict | None = None  # interconnected groups in the window the report names
    previous: Results | None = None
    presets: list[dict] = field(default_factory=list)  # headline figures under every preset
    rollup: Rollup | None = None  # the members' reports this one consolidates
    lacking: dict = field(default_factory=dict)  # figure id -> members that did not report it

    @property
    def today(self) -> date:
        """The report's date: what "today" means for every figure (dates after it are in
        the future) and the date the document bears."""
        return self.spec.report_date or self.generated_at.date()

    # ------------------------------------------------------------------ helpers
    def _ctx(self, **extra) -> dict:
        p = self.spec.period
        text = defaultdict(str, {k: "" for k in TEXT_KEYS} | self.spec.text)
        return {"unit": self.spec.unit, "period_label": p.label_vi, "start": fmt.day(p.start),
                "end": fmt.day(p.end), "t": text, "n": self.results.indicators,
                "f": Figures(self.figures),
                "published": defaultdict(lambda: None, self.spec.figures),
                "pad": self.spec.pad_small_numbers, "absent_why": self.absent_why, **extra}

    @property
    def absent_why(self) -> str:
        """Why a figure is "không có dữ liệu": the export lacks its column, or (a report
        consolidated from members' reports) the members' reports do not give it."""
        return messages()["absent_consolidated" if self.dataset is None else "absent_column"]

    def present_sections(self, part: str | None = None) -> list:
        """Return the sections this report shows (of one part, I–IV, when given)."""
        return [s for s in SECTIONS if (part is None or s.part == part)
                and present(s, self.spec.figures, self.spec.text)]

    # ------------------------------------------------------------------ HTML parts
    def title_html(self) -> str:
        g = self.today
        return render("title.html.j2", **self._ctx(
            scope_phrase=self.spec.unit.title_phrase, place=self.spec.unit.place,
            number=self.spec.number, short_org=_number_suffix(self.spec.unit.name),
            today=f"{g:%d} tháng {g:%m} năm {g:%Y}"))

    @property
    def scorecard(self):
        """The Decision 766 index of this report's dossiers and params figures."""
        from ..analysis.index766 import score, values_from

        if getattr(self, "_scorecard", None) is None:
            self._scorecard = score(values_from(self.results, self.spec.figures,
                                                self.spec.index766),
                                    scope=self.spec.unit.scope766)
        return self._scorecard

    def index766_html(self) -> str:
        """Return the Decision 766 section, when the params file has an `index766:` block."""
        if not self.spec.index766:
            return ""
        card = self.scorecard
        losses = card.losses()[:2]
        sentence = render("index766_loss.j2", losses=losses).strip() if losses else ""
        return render("s_index766.html.j2", **self._ctx(
            card=card, losses=losses, loss_sentence=markupsafe.Markup(sentence),
            not_reproduced=any(s.rule.sure == "not_reproduced" and s.points is not None
                               for s in card.scores),
            period=self.spec.period.label_vi))

    def reconcile_html(self) -> str:
        """Return the reconciliation with the national portal's dossier list (params
        `portal:`), or "" without one."""
        if self.spec.portal is None or self.dataset is None:
            return ""
        from ..analysis.reconcile import CountRow, portal_shape, reconcile, reconcile_counts

        if portal_shape(self.spec.portal) == "counts":
            rows = reconcile_counts(self.dataset, self.spec.portal, self.spec.period,
                                    self.run.policy, self.today)
            return render("s_reconcile_counts.html.j2", **self._ctx(
                rows=rows, rate=CountRow.rate, portal_name=self.spec.portal.name,
                period=self.spec.period))
        rec = reconcile(self.dataset, self.spec.portal, self.spec.period, self.run.policy,
                        self.today, own=self.results.indicators)
        return render("s_reconcile.html.j2", **self._ctx(
            rec=rec, causes=rec.causes, portal_name=self.spec.portal.name,
            total=sum(rec.counts.values())))

    def trend(self, outputs: str | Path | None = None):
        """The trend against this unit's earlier reports in `outputs` (default: the
        workspace's outputs folder), or None when there is none."""
        from ..analysis.trend import trend
        from ..core.paths import outputs as workspace_outputs

        if getattr(self, "_trend", False) is False:
            self._trend, self.skipped_results = trend(
                self.results, self.spec.period.label_vi, self.spec.period.code,
                Path(outputs or workspace_outputs()), self.spec.unit.slug,
                self.spec.predecessors)
        return self._trend

    def trend_html(self, outputs: str | Path | None = None) -> str:
        """Return the trends section (this period against the previous one and the same
        period last year), or "" when no earlier report of the unit is found."""
        tr = self.trend(outputs)
        if tr is None:
            return ""
        return render("s_trend.html.j2", **self._ctx(tr=tr, grown=tr.lateness_growth()))

    def annex_html(self) -> str:
        """Return the annex after the signature: data quality and how the report was made
        (for the analyst; `style: {annex: false}` leaves it out)."""
        if not self.spec.annex:
            return ""
        return ('<section class="annex"><h2>PHỤ LỤC: CHẤT LƯỢNG DỮ LIỆU VÀ CÁCH LẬP BÁO CÁO'
                '</h2>' + self.rollup_html() + self.quality_html() + self.provenance_html()
                + "</section>")

    def rollup_html(self) -> str:
        """Return the annex's account of the members' reports: who sent what, who is
        missing, whose figures do not add up (with the form's column numbers), and the
        figures some members did not report; "" for a report without members."""
        if self.rollup is None:
            return ""
        from ..core.schema import LEVEL_LABELS
        from ..model.registry import REGISTRY

        ru = self.rollup
        groups: dict[tuple, list[str]] = {}
        for k, who in self.lacking.items():  # one line per set of members lacking figures
            groups.setdefault(tuple(who), []).append(REGISTRY[k].in_sentence)
        lacking = [{"members": list(who), "labels": labels} for who, labels in groups.items()]
        return render("rollup.html.j2", rollup=ru, summary=ru.summary(), levels=LEVEL_LABELS,
                      members=[m.to_json(ru.base) | {"notes": m.problems + m.differences}
                               for m in ru.members],
                      unknown=ru.unknown_why(), lacking=lacking,
                      own_data=self.dataset is not None)

    def rollup_sentence(self) -> str:
        """The sentence that says which members' reports the figures sum, and who is
        missing (named, not counted as zero); "" without members."""
        if self.rollup is None:
            return ""
        ru = self.rollup
        return render("rollup_sentence.j2", counted=len(ru.counted), total=len(ru.members),
                      missing=[m for m in ru.members if not m.counted],
                      inconsistent=[m for m in ru.members if m.status == "inconsistent"],
                      own_data=self.dataset is not None).strip()

    def quality_html(self) -> str:
        if self.dataset is None:  # consolidated: the checks of the summed figures only
            return render("rollup_checks.html.j2", failed=[f for f in self.identities
                                                            if not f.ok],
                          ok_count=sum(f.ok for f in self.identities),
                          total_count=len(self.identities), typed=self.typed)
        ds, r = self.dataset, self.run
        excluded = [{"reason": EXCLUSIONS[k], "count": n, "error": k in DATA_ERRORS,
                     "rows": ", ".join(map(str, r.excluded_rows.get(k, [])[:10]))}
                    for k, n in r.excluded.items()]
        return render(
            "data_quality.html.j2", **self._ctx(
                source=ds.source, rows_read=ds.rows_read, overlap=self.overlap_note(),
                rows_used=r.rows_used, duplicates=ds.identical_duplicates,
                excluded=excluded, personal=ds.personal, reading=self.reading(),
                masked=self.results.masked,
                policy=r.policy, statuses=self.status_rows(), presets=self.presets,
                absent=self.absent_columns(), stale=stale_note(r),
                ok_count=sum(f.ok for f in self.identities), total_count=len(self.identities),
                failed=[f for f in self.identities if not f.ok], typed=self.typed,
                figures_count=len(self.spec.figures)))

    def overlap_note(self) -> str:
        """The sentences on how the data was put together: dossiers found in several
        exports (codes only), a member unit's agencies selected from a shared export."""
        from ..engine.sources import overlap_note

        ds = self.dataset
        notes = [overlap_note(ds)]
        if ds.agencies:
            notes.append(messages()["unit_agencies_note"].format(
                rows=fmt.number(ds.rows_read), agencies="; ".join(ds.agencies),
                source=ds.source))
        return " ".join(n for n in notes if n)

    def absent_columns(self) -> list[dict]:
        """Return, per optional column the export lacks, the indicators it makes absent."""
        from ..core.schema import BY_NAME
        from ..engine import SOURCES
        from ..model.registry import REGISTRY

        n = self.results.indicators
        out = []
        for col, dim in SOURCES.items():
            if dim not in self.run.absent:
                continue
            ids = [i for i in REGISTRY.values() if i.source == "data" and n.get(i.id) is None
                   and (dim in i.where or any(dim in REGISTRY[p].where for p in
                                              (i.numerator, i.denominator) if p))]
            if ids:
                out.append({"column": BY_NAME[col].label_vi,
                            "what": [i.in_sentence for i in ids]})
        return out

    def reading(self) -> dict:
        """Return how the export was read: profile, headers, where level and field came
        from, agencies whose level stays unknown."""
        ds = self.dataset.describe()
        return {"profile": ds.profile, "headers": ds.headers, "also": ds.also,
                "extra": ds.extra, "level_from": ds.level_from, "field_from": ds.field_from,
                "level_how": LEVEL_FROM, "field_how": FIELD_FROM,
                "unknown_agencies": ds.unknown_agencies,
                "by_receiver": bool(ds.headers.get("noi_tiep_nhan"))
                and ds.headers.get("co_quan") == ds.headers.get("noi_tiep_nhan"),
                "catalog": ds.catalog.source if ds.catalog.source else None}

    def status_rows(self) -> list[dict]:
        """Return the status table: each status found, its dossiers, how the policy counts
        them and what they became (Vietnamese, numbers formatted)."""
        from ..model.registry import REGISTRY

        names = {"early": "resolved_early", "on_time": "resolved_on_time",
                 "late": "resolved_late", "pending_in_time": "pending_in_time",
                 "pending_overdue": "pending_overdue", "pending_waiting": "pending_waiting",
                 "withdrawn": "withdrawn_total"}
        rows = []
        for t in self.run.status_table:
            became = [f"{REGISTRY[names[k]].label_vi.lower()} {fmt.number(n)}"
                      for k, n in t["counted"].items()]
            became += [f"{EXCLUSIONS.get(k, k)} {fmt.number(n)}" for k, n in t["left_out"].items()]
            rows.append({"code": t["code"] or "–", "label": t["label"],
                         "count": fmt.number(t["count"]), "treatment": t["treatment"],
                         "became": "; ".join(became)})
        return rows

    def intro_html(self) -> str:
        return render("intro.html.j2", **self._ctx())

    def section_html(self, key: str) -> str:
        """Return one section's HTML, numbered as in this report, or '' when absent."""
        section = BY_KEY[key]
        shown = self.present_sections(section.part)
        if section not in shown:
            return ""
        extra = {"s": section, "num": shown.index(section) + 1,
                 "has": any(k in self.spec.figures for k in section.figures)}
        if key == "results":
            extra |= self._results_ctx()
        if key == "online" and self.own is not None:  # a department's own online services
            extra["n"] = self.own.indicators
        if key == "online":
            n = extra.get("n", self.results.indicators)
            extra["absent"] = [label for ind, label in ONLINE_ITEMS if n.get(ind) is None]
        if key == "assessment":
            extra |= self._assessment_ctx()
        missing = [f for f in section.required if f not in self.spec.figures]
        if missing:  # honest: show what was given, say what was not
            return render("s_figures.html.j2", **self._ctx(**extra, **self._partial(section)))
        html = render(section.template, **self._ctx(**extra))
        return self._with_leftovers(section, html)

    def _with_leftovers(self, section, html: str) -> str:
        """Add, before the form line, every typed figure of the section that its template
        did not print (a figure given is never silently dropped)."""
        import re

        text = re.sub(r"<[^>]+>", " ", html)
        def printed(g: dict) -> bool:
            if g["bare"] in ("0", "00") and "Không" in text:  # templates write 0 as "Không"
                return True
            return bool(re.search(rf"(?<![\d.,]){re.escape(g['bare'])}(?![\d]|,\d)", text))

        left = [g for g in self._partial(section)["given_by_id"] if g and not printed(g)]
        if not left:
            return html
        extra = "".join(f"<p>- {g['label']}: {g['value']}.</p>\n" for g in left)
        mark = html.rfind('<p class="source">')
        at = mark if mark >= 0 else html.rfind("</section>")
        return html[:at] + extra + html[at:]

    def _partial(self, section) -> dict:
        """Return the typed figures of a section (label, value as printed) and the labels
        of its core figures that were not reported."""
        from ..model.registry import REGISTRY

        def shown(fid: str) -> dict | None:
            if fid not in self.spec.figures or fid not in REGISTRY:
                return None
            ind, v = REGISTRY[fid], self.figures.get(fid, self.spec.figures.get(fid))
            bare = fmt.percent(v) if ind.unit == "%" else \
                fmt.number(v, pad=self.spec.pad_small_numbers)
            return {"label": ind.label_vi, "bare": bare,
                    "value": bare if ind.unit == "%" else f"{bare} {ind.unit}"}

        by_id = [shown(f) for f in section.figures]
        absent = [REGISTRY[f].in_sentence
                  for f in section.required if f not in self.spec.figures]
        return {"given": [g for g in by_id if g], "not_reported": absent,
                "given_by_id": by_id}

    def sections_html(self, *keys: str) -> str:
        """Return the HTML of several sections, in the order given."""
        return "\n".join(h for h in (self.section_html(k) for k in keys) if h)

    def _results_ctx(self) -> dict:
        unit = self.spec.unit
        letters = iter("abcdefgh")
        groups = unit.groups_label or "các nhóm TTHC liên thông do đơn vị quản lý"
        if self.own is not None:
            views = [
                results_view(next(letters), "Tổng số hồ sơ TTHC đã tiếp nhận trong kỳ báo cáo "
                             f"(đối với tất cả các lĩnh vực TTHC thuộc thẩm quyền giải quyết "
                             f"{unit.scope_phrase})", self.own, levels=False, carried_split=True),
                results_view(next(letters), "Tổng số hồ sơ TTHC đã tiếp nhận trong kỳ báo cáo "
                             f"(đối với tất cả các lĩnh vực TTHC thuộc thẩm quyền giải quyết "
                             f"{unit.scope_phrase} và {groups})",
                             self.results, levels=False, carried_split=True)]
        else:
            views = [results_view(next(letters), "Tình hình, kết quả giải quyết TTHC "
                                  f"{unit.scope_phrase}", self.results)]
        postal = (self.own or self.results).indicators["postal_returns"]
        ctx = {"views": views, "others": self.run.received_for_others if self.run else None,
               "rollup": markupsafe.Markup(self.rollup_sentence()),
               "postal": postal if self.own is not None else None,
               "postal_letter": next(letters) if self.own is not None else ""}
        if self.window:
            ctx["window"] = self.window | {"letter": next(letters),
                                           "scope": unit.scope_phrase}
        else:
            ctx["window"] = None
        return ctx

    def _assessment_ctx(self) -> dict:
        late_total, fields = ranked_late(self.results.by_field, top=3, prefix="lĩnh vực ")
        _, agencies = ranked_late(self.results.by_agency, top=3)
        prev = None
        if self.previous is not None:
            a, b = self.previous.indicators, self.results.indicators

            def change(key, label, rate=False, up_is_better=None):
                if a[key] is None or b[key] is None:
                    return None
                d = b[key] - a[key]
                if (round(d, 1) if rate else d) == 0:
                    return {"text": f"{label} không đổi", "better": None}
                way = "tăng" if d > 0 else "giảm"
                if rate:
                    text = (f"{label} {way} {fmt.decimal(abs(d))} điểm phần trăm "
                            f"({fmt.percent(a[key])} → {fmt.percent(b[key])})")
                else:
                    pct = f" ({fmt.percent(100.0 * abs(d) / a[key])})" if a[key] else ""
                    text = f"{label} {way} {fmt.number(abs(d))} hồ sơ{pct}"
                better = None if up_is_better is None else (d > 0) == up_is_better
                return {"text": text, "better": better}

            items = [c for c in (
                change("received_total", "tổng số hồ sơ tiếp nhận"),
                change("on_time_rate", "tỷ lệ giải quyết đúng hạn", True, True),
                change("online_rate", "tỷ lệ hồ sơ trực tuyến", True, True),
                change("pending_overdue", "số hồ sơ đang giải quyết quá hạn",
                       up_is_better=False)) if c]
            prev = {"label": self.previous.period.label_vi,
                    "good": [c["text"] for c in items if c["better"] is not False],
                    "bad": [c["text"] for c in items if c["better"] is False]}
        told = self.spec.text
        stated = {"results": fmt.percent(self.results.indicators["on_time_rate"]) in
                  told.get("assessment_results", ""),
                  "late": fmt.number(self.results.indicators["resolved_late"]) in
                  told.get("assessment_shortcomings", "")}
        return {"late_total": late_total, "late_fields": fields, "late_agencies": agencies,
                "previous": prev, "stated": stated}

    def ii06_html(self) -> str:
        return render("ii06_table.html.j2", rows=ii06_rows(self.results),
                      notes=self.run.policy.header_notes if self.run else {},
                      absent_why=self.absent_why,
                      scope=self.spec.unit.scope_phrase, period_label=self.spec.period.label_vi)

    def closing_html(self) -> str:
        return render("closing.html.j2", **self._ctx())

    def provenance_html(self) -> str:
        p = self.spec.period
        if getattr(self, "skipped_results", None) is None:
            self.trend()
        if self.dataset is None:
            return render(
                "provenance.html.j2", params_file=self.spec.path.name, source=None,
                sources=[], members=True, skipped=self.skipped_results,
                period_label=p.label_vi, start=fmt.day(p.start), end=fmt.day(p.end),
                version=tool_version(), generated_at=f"{self.generated_at:%d/%m/%Y %H:%M}",
                params_text=yaml.safe_dump(self.spec.raw, allow_unicode=True,
                                           sort_keys=False))
        data = self.spec.raw.get("data")
        origin = data_origin(self.spec.path, data) if isinstance(data, str) else \
            self.dataset.source
        sources = [messages()["source_line"].format(
            name=s["name"], rows=fmt.number(s["rows"]), profile=s["profile"], sha256=s["sha256"])
            for s in self.dataset.sources]
        return render(
            "provenance.html.j2", params_file=self.spec.path.name, source=origin,
            sources=sources,
            skipped=self.skipped_results,
            rows_read=self.dataset.rows_read, sha256=self.dataset.digest(),
            profile=self.dataset.profile.name, policy=self.run.policy.name, members=False,
            period_label=p.label_vi, start=fmt.day(p.start), end=fmt.day(p.end),
            version=tool_version(), generated_at=f"{self.generated_at:%d/%m/%Y %H:%M}",
            params_text=yaml.safe_dump(self.spec.raw, allow_unicode=True, sort_keys=False))

    # ------------------------------------------------------------------ files
    def save(self, folder) -> None:
        """Write forms.xlsx and results.json (all figures, for scripts and the batch index)
        into `folder`."""
        from .forms import write_forms

        folder = Path(folder)
        write_forms(self, folder / "forms.xlsx", folder / "cells.csv")
        summary = stamp({"unit": {"slug": self.spec.unit.slug, "name": self.spec.unit.name},
                   "period": {"code": self.spec.period.code, "label": self.spec.period.label_vi,
                              **self.spec.period.as_dict()},
                   "headline": self.headline(),
                   "checks_failed": sum(not f.ok for f in self.identities + self.typed),
                   "figures": self.figures,
                   "results": self.results.to_json(),
                   "own_fields": self.own.to_json() if self.own else None,
                   "comparisons": self.comparisons(),
                   "members": self.rollup.to_json() if self.rollup else None})
        (folder / "results.json").write_text(json.dumps(summary, ensure_ascii=False, indent=1),
                                             encoding="utf-8")

    def comparisons(self) -> dict:
        """The previous period and the same period last year this report compared with (a
        merged unit's: its predecessors' results summed), as results.json keeps them."""
        tr = self.trend()
        return {"previous": tr.previous.to_json() if tr and tr.previous else None,
                "last_year": tr.last_year.to_json() if tr and tr.last_year else None}

    def headline(self) -> dict:
        """Return the figures an index page lists for this report."""
        n = self.results.indicators
        return {k: n[k] for k in ("received_total", "resolved_total", "on_time_rate",
                                  "online_rate")}


def _number_suffix(org: str) -> str:
    """Return the issuing body's abbreviation for the number line: UBND for a people's
    committee, else the initials of its name before the province (Sở Tư pháp → STP)."""
    from ..core.schema import fold, strip_accents

    if fold(org).startswith(("ubnd", "uy ban nhan dan")):
        return "UBND"
    words = []
    for w in org.split():
        if fold(w) in ("tinh", "thanh"):
            break
        words.append(w)
    return "".join(strip_accents(w[0]).upper() for w in words
                   if w[:1].isalpha() and fold(w) not in ("va", "cua")) or "UBND"


def _window(ds: Dataset, r: Run, spec: ReportSpec, today: date) -> dict:
    start, end = spec.interconnected_window
    groups = r.groups.indicators
    return {"start": fmt.day(start), "end": fmt.day(end),
            "count": window_count(ds, r.policy, spec.period, start, end, today),
            "resolved": groups["resolved_total"], "late": groups["resolved_late"]}


# Section I.8's items computed from the dossiers, named when the export cannot give them.
ONLINE_ITEMS = (("online_rate", "tỷ lệ hồ sơ trực tuyến"),
                ("online_rate_dvc", "tỷ lệ hồ sơ trực tuyến trên các TTHC có DVC trực tuyến"),
                ("digitised_total", "hồ sơ được số hóa"),
                ("paid_online_total", "hồ sơ thanh toán trực tuyến"),
                ("postal_returns", "hồ sơ trả kết quả qua bưu chính công ích"))

HEADLINE = ("received_total", "resolved_total", "on_time_rate", "pending_overdue")


def _presets(ds: Dataset, spec: ReportSpec, used: Run, today: date) -> list[dict]:
    """Return the headline figures under every shipped policy, the one used first."""
    from ..engine.run import headline

    out = []
    for name, policy in builtin_policies().items():
        is_used = name == used.policy.name
        try:  # the other policies' figures in one aggregate query each
            n = used.results.indicators if is_used else headline(ds, policy, spec.period,
                                                                 today, HEADLINE)
        except InputError as exc:  # e.g. rows without a receipt date, which tt01 skips
            # in counts only: the message may quote the file's values, and this page is shared
            summary = getattr(exc, "summary", None) or str(exc).splitlines()[0]
            out.append({"name": name, "label": policy.label, "used": False, "error": summary})
            continue
        out.append({"name": name, "label": policy.label, "used": is_used,
                    **{k: n[k] for k in HEADLINE}})
    return sorted(out, key=lambda p: not p["used"])


def open_spec_data(spec: ReportSpec, data=None, sheet=None) -> Dataset:
    """Return the Dataset of a spec's export (or of `data`), read with its profile and
    catalogue."""
    from ..engine.sources import Source, open_unit

    if data is not None:  # another period's export (`previous:`)
        sources = [Source(Path(data), sheet=sheet)]
    else:  # one export, or several systems' exports merged
        sources = list(spec.sources) or [Source(spec.data, sheet=spec.sheet)]
    return open_unit(sources, load_profile(spec.profile) if spec.profile else None,
                     load_catalog(spec.catalog), spec.agencies)


def build_report(params_path, strict: bool = False, now: datetime | None = None,
                 outputs: str | Path | None = None) -> Report:
    """Return the Report for a params YAML. With `strict`, failed checks and rows with data
    errors raise InputError instead of being listed in the report. A refusal of the data
    names the rows and columns but not the values found: what the notebook shows is kept
    in the outputs folder (`tthc inspect` shows the values to the analyst). A params file
    with `members:` consolidates the members' reports found in `outputs` (default: the
    workspace's outputs folder)."""
    try:
        return _build_report(params_path, strict, now, outputs)
    except InputError as exc:
        shared = getattr(exc, "shared", None)
        if shared is None:
            raise
        err = InputError(shared + "\n" + messages()["values_with_inspect"], code=exc.code)
        err.shared = err.args[0]
        raise err from None


def _build_report(params_path, strict: bool, now: datetime | None, outputs) -> Report:
    spec = load_spec(user_path(params_path))
    now = now or datetime.now()
    if spec.members:
        return _consolidated(spec, strict, now, outputs)
    return _from_dossiers(spec, strict, now)


def _consolidated(spec: ReportSpec, strict: bool, now: datetime, outputs) -> Report:
    """The report of a unit with members: their reports found, checked and summed by the
    registry's roll-up rules; II.06 from the unit's own dossiers when it has `data:` (each
    member's II.06 then checked against its agencies' dossiers), else a row per member."""
    from dataclasses import replace

    from ..analysis.rollup import collect
    from ..core.paths import outputs as workspace_outputs
    from ..core.paths import workspace

    rollup = collect(list(spec.members), spec.period, Path(outputs or workspace_outputs()),
                     spec.inbox, base=workspace())
    typed_own = dict(spec.figures)
    rolled, lacking = rollup.figures(typed_own)
    spec = replace(spec, figures=typed_own | rolled)  # what no member reported stays
    differs = [Finding("rollup-typed", False, m) for m in rollup.typed_findings(typed_own)]
    if spec.data is not None:
        rep = _from_dossiers(spec, False, now)
        rollup.check_against(rep.results.by_agency)
    else:
        results = rollup.results()
        rep = Report(spec, None, None, results, checks.identities(results),
                     checks.typed_figures(spec.figures, results), now,
                     figures=checks.figure_values(spec.figures))
    rep.rollup, rep.lacking, rep.typed = rollup, lacking, differs + rep.typed
    if strict:
        problems = [f.message for f in rep.identities + rep.typed if not f.ok]
        problems += [f"{m.member.name}: {m.label}" + (
            f" — {'; '.join(m.problems + m.differences)}" if m.problems or m.differences else "")
            for m in rollup.members if m.status != "received"]
        if rep.run is not None:
            problems += data_errors(rep.run.excluded, rep.run.excluded_rows)
        if problems:
            raise InputError("strict_checks", problems="\n".join(f"  - {m}" for m in problems))
    return rep


def _from_dossiers(spec: ReportSpec, strict: bool, now: datetime) -> Report:
    today = spec.report_date or now.date()  # "in the future" means after the report's date
    ds = open_spec_data(spec)
    policy = load_policy(spec.policy)
    r = run(ds, policy, spec.period, today)
    if (empty := empty_period(ds, r)) is not None:  # an all-zero report would look plausible
        ds.close()
        raise InputError("no_dossier_in_period", **empty)
    results = r.results
    own = r.own if spec.unit.kind == "department" else None
    window = _window(ds, r, spec, today) if spec.interconnected_window else None
    previous = None
    if spec.previous:
        data, period, sheet = spec.previous
        prev_ds = open_spec_data(spec, data, sheet)
        try:
            previous = run(prev_ds, policy, period, today).results
        finally:
            prev_ds.close()
    extra = {"interconnected_window_total": (window["count"], "hồ sơ nhóm liên thông tiếp nhận "
                                             "trong khoảng thời gian đó")} if window else {}
    ids = checks.identities(results)
    typed = checks.typed_figures(spec.figures, own or results, extra)
    if strict:
        problems = [f.message for f in ids + typed if not f.ok]
        problems += data_errors(r.excluded, r.excluded_rows)
        if problems:
            raise InputError("strict_checks", problems="\n".join(f"  - {m}" for m in problems))
    return Report(spec, ds, r, results, ids, typed, now,
                  figures=checks.figure_values(spec.figures), own=own, window=window,
                  previous=previous, presets=_presets(ds, spec, r, today))
