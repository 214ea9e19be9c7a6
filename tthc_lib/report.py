"""One report's data, end to end: params → load → classify → compute → checks.

`build_report` is what the notebook (and an analyst in JupyterLab) calls; the returned
`Report` renders each part of the document as an HTML fragment.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from importlib.metadata import PackageNotFoundError, version

import yaml

from . import checks, fmt
from .checks import Finding
from .classify import DATA_ERRORS, EXCLUSIONS, ClassifiedTable, classify
from .compute import Results, compute
from .load import DossierTable, InputError, load
from .narrative import ii06_rows, render, section_i6_context
from .spec import ReportSpec, load_spec


def tool_version() -> str:
    """Return the installed tthc-report version."""
    try:
        return version("tthc-report")
    except PackageNotFoundError:
        return "dev"


@dataclass
class Report:
    """Everything the document shows, computed once."""

    spec: ReportSpec
    table: DossierTable
    classified: ClassifiedTable
    results: Results
    identities: list[Finding]
    typed: list[Finding]
    generated_at: datetime

    # ------------------------------------------------------------------ HTML parts
    def title_html(self) -> str:
        p = self.spec.period
        return render("title.html.j2", unit=self.spec.unit, period_label=p.label_vi,
                      scope_phrase=self.spec.unit.title_phrase, start=fmt.day(p.start),
                      end=fmt.day(p.end), place=self.spec.unit.place,
                      today=f"{self.generated_at:%d} tháng {self.generated_at:%m} năm "
                            f"{self.generated_at:%Y}")

    def quality_html(self) -> str:
        ct, p = self.classified, self.spec.period
        excluded = [{"reason": EXCLUSIONS[k], "count": n, "error": k in DATA_ERRORS,
                     "rows": ", ".join(map(str, ct.excluded_rows[k][:10]))}
                    for k, n in ct.excluded.items()]
        return render(
            "data_quality.html.j2", source=self.table.source, rows_read=self.table.rows_read,
            rows_used=len(ct.df), start=fmt.day(p.start), end=fmt.day(p.end),
            duplicates=self.table.identical_duplicates, excluded=excluded,
            personal=self.table.personal_dropped,
            ok_count=sum(f.ok for f in self.identities), total_count=len(self.identities),
            failed=[f for f in self.identities if not f.ok], typed=self.typed,
            figures_count=len(self.spec.figures))

    def section_i6_html(self) -> str:
        return render("i6_results.html.j2",
                      **section_i6_context(self.results, self.spec.unit.scope_phrase))

    def ii06_html(self) -> str:
        return render("ii06_table.html.j2", rows=ii06_rows(self.results),
                      scope=self.spec.unit.scope_phrase, period_label=self.spec.period.label_vi)

    def provenance_html(self) -> str:
        p = self.spec.period
        return render(
            "provenance.html.j2", params_file=self.spec.path.name, source=self.table.source,
            rows_read=self.table.rows_read, sha256=self.table.sha256,
            period_label=p.label_vi, start=fmt.day(p.start), end=fmt.day(p.end),
            version=tool_version(), generated_at=f"{self.generated_at:%d/%m/%Y %H:%M}",
            params_text=yaml.safe_dump(self.spec.raw, allow_unicode=True, sort_keys=False))

    def save(self, folder) -> None:
        """Write forms.xlsx and results.json (all figures, for scripts and the batch index)
        into `folder`."""
        from pathlib import Path

        from .forms import write_forms

        folder = Path(folder)
        write_forms(self.results, self.spec.unit, folder / "forms.xlsx", self.generated_at)
        summary = {"unit": {"slug": self.spec.unit.slug, "name": self.spec.unit.name},
                   "period": {"code": self.spec.period.code, "label": self.spec.period.label_vi,
                              **self.spec.period.as_dict()},
                   "headline": self.headline(),
                   "checks_failed": sum(not f.ok for f in self.identities + self.typed),
                   "results": self.results.to_json()}
        (folder / "results.json").write_text(json.dumps(summary, ensure_ascii=False, indent=1),
                                             encoding="utf-8")

    def headline(self) -> dict:
        """Return the figures an index page lists for this report."""
        n = self.results.indicators
        return {k: n[k] for k in ("received_total", "resolved_total", "on_time_rate",
                                  "online_rate")}


def build_report(params_path, strict: bool = False, now: datetime | None = None) -> Report:
    """Return the Report for a params YAML. With `strict`, failed checks and rows with data
    errors raise InputError instead of being listed in the report."""
    spec = load_spec(params_path)
    table = load(spec.data, sheet=spec.sheet)
    ct = classify(table, spec.period)
    results = compute(ct)
    ids = checks.identities(results)
    typed = checks.typed_figures(spec.figures, results)
    if strict:
        problems = [f.message for f in ids + typed if not f.ok]
        problems += [f"{n} hồ sơ: {EXCLUSIONS[k]} (các dòng "
                     f"{', '.join(map(str, ct.excluded_rows[k][:10]))})"
                     for k, n in ct.excluded.items() if k in DATA_ERRORS]
        if problems:
            raise InputError("Chế độ --strict: kiểm tra số liệu không đạt:\n"
                             + "\n".join(f"  - {m}" for m in problems))
    return Report(spec, table, ct, results, ids, typed, now or datetime.now())
