"""outputs/index.html: every report in the workspace's outputs folder, grouped by period.

The page is rebuilt from the report folders themselves (their results.json), so it lists
the reports of earlier periods and of single `tthc report` runs too; a batch adds the units
that failed or were stopped in this run, linking their earlier report when there is one.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import quote

from ..core.paths import atomic_output
from ..model.published import ShapeError, read_published

FILES = (("report.html", "HTML"), ("report.pdf", "PDF"), ("forms.xlsx", "XLSX"),
         ("cells.csv", "CSV"))


def _members(block) -> str:
    """A consolidated report's members, as its index row says them ("4/5 đơn vị: 1 chưa
    gửi, 1 số liệu không khớp"), or ''."""
    if not isinstance(block, dict) or not isinstance(block.get("members"), list):
        return ""
    from ..analysis.rollup import STATUS_VI

    members = [m for m in block["members"] if isinstance(m, dict)]
    counted = sum(m.get("status") in ("received", "inconsistent", "duplicate") for m in members)
    faults: dict[str, int] = {}
    for m in members:
        if m.get("status") in STATUS_VI and m["status"] != "received":
            faults[STATUS_VI[m["status"]]] = faults.get(STATUS_VI[m["status"]], 0) + 1
    detail = ", ".join(f"{n} {label}" for label, n in faults.items())
    return f"tổng hợp {counted}/{len(members)} đơn vị" + (f": {detail}" if detail else "")


def _summary(folder: Path) -> dict | None:
    """The report's results.json through the one reader; None when it cannot be used."""
    try:
        raw = read_published(folder / "results.json").raw
    except ShapeError:
        return None
    return raw if isinstance(raw.get("headline"), dict) else None


def _href(outputs: Path, path: Path) -> str:
    return quote(path.relative_to(outputs).as_posix())


def rows(outputs: Path, outcomes=()) -> list[dict]:
    """Return one row per report folder (outputs/<unit>/<period>/ with a results.json),
    overlaid with this run's failed or stopped units."""
    found: dict[Path, dict] = {}
    for res in sorted(outputs.glob("*/*/results.json")):
        folder = res.parent
        summary = _summary(folder)
        if summary is None:
            continue
        found[folder] = {
            "unit": summary["unit"].get("slug", folder.parent.name),
            "name": summary["unit"]["name"],
            "period": summary["period"]["label"],
            "code": summary["period"].get("code", folder.name),
            "start": summary["period"].get("start", ""), "ok": True, "message": "",
            "headline": summary["headline"], "checks_failed": summary.get("checks_failed", 0),
            "members": _members(summary.get("members")),
            "links": [{"href": _href(outputs, folder / n), "label": label}
                      for n, label in FILES if (folder / n).is_file()]}
    for o in outcomes:
        if o.ok:
            continue
        folder = Path(o.folder) if o.folder else outputs / (o.unit or "?") / (o.period or "?")
        row = found.get(folder) or {
            "unit": o.unit, "name": o.unit, "period": o.period, "code": o.period, "start": "",
            "headline": {}, "checks_failed": 0, "members": "", "links": []}
        found[folder] = row | {"ok": False, "message": o.message}
    by_unit: dict[str, list[dict]] = {}
    for row in found.values():
        by_unit.setdefault(row["unit"], []).append(row)
    for row in found.values():  # each row links the unit's other periods
        row["others"] = [{"href": r["links"][0]["href"], "label": r["period"]}
                         for r in sorted(by_unit[row["unit"]], key=lambda r: r["start"])
                         if r is not row and r["links"]]
    return sorted(found.values(), key=lambda r: (r["start"], r["code"], r["name"]),
                  reverse=False)


def write(outputs: Path, outcomes=()) -> Path:
    """Write outputs/index.html and return its path."""
    from ..report.narrative.render import render

    all_rows = rows(outputs, outcomes)
    periods: dict[str, list[dict]] = {}
    for row in sorted(all_rows, key=lambda r: r["start"], reverse=True):
        periods.setdefault(row["period"], []).append(row)
    for group in periods.values():
        group.sort(key=lambda r: r["name"])
    html = render("index.html.j2", periods=periods)
    path = outputs / "index.html"
    with atomic_output(path) as tmp:
        tmp.write_text(html, encoding="utf-8")
    return path
