"""An analyst's workspace: `params/`, `data/`, `outputs/`, `notebooks/` and a README.

`tthc init` makes one; `tthc sample` fills `data/samples/`; `tthc clean-samples` removes
only what the tool generated and can generate again (the sample exports and the sample
units' reports), never an analyst's own export or report.
"""

from __future__ import annotations

import shutil
import time
from collections.abc import Callable
from pathlib import Path

from ..core.errors import InputError
from ..core.paths import PACKAGE, resource

FOLDERS = ("params", "data", "outputs", "notebooks")


def sample_keys() -> list[str]:
    """Return the names of the bundled sample exports."""
    from ..samples import generator as sample
    from ..samples import merged
    from ..samples import shapes as sample_shapes

    return [*sample.PROFILES, sample.MESSY_KEY, *sample_shapes.SHAPES, *portal_samples(),
            merged.KEY, SENT_KEY]


# What the merged province's members sent for 2026-Q3 (the folder its params call `inbox:`):
# a commune's form II.06a as its provincial system prints it, computed from its dossiers in
# the shared export, whose total row was then edited by hand: (3) is 8 more than (4)+(5)+(6).
SENT_KEY = "thai-nguyen-moi-2026-Q3-nop"
SENT_UNIT, SENT_AGENCY = "UBND xã Đồng Tâm", "UBND Xã Đồng Tâm (Huyện Đại Từ)"
SENT_PLANTED = 8


def write_sent(folder: Path) -> Path:
    """Write the sample inbox of the merged province's members (computing the commune's
    II.06a from the merged exports in `folder`, written first when absent); return it."""
    from ..core.periods import parse_period
    from ..engine import run
    from ..engine.sources import Source, open_unit
    from ..rules.policy import load_policy
    from ..samples import merged
    from ..samples.forms import write_ii06a

    if not all((folder / f).exists() for f in (merged.LEGACY, merged.PLATFORM)):
        merged.write_merged(folder)
    period = parse_period("2026-Q3")
    ds = open_unit([Source(folder / merged.LEGACY), Source(folder / merged.PLATFORM)],
                   agencies=(SENT_AGENCY,))
    try:
        results = run(ds, load_policy("tt01"), period).results
    finally:
        ds.close()
    total = dict(results.indicators)
    total["received_total"] += SENT_PLANTED
    return write_ii06a(folder / SENT_KEY / "xa-dong-tam-II06a.xlsx", SENT_UNIT,
                       "UBND tỉnh Thái Nguyên", period, sorted(results.by_field.items()),
                       total).parent


def portal_samples() -> dict:
    """Return the sample national-portal lists (for `tthc reconcile` and the reports'
    reconciliation section), by key."""
    from ..samples import generator as sample

    return {f"{k}{sample.PORTAL_SUFFIX}": sample.PROFILES[k]
            for k in ("bac-giang-2023-Q3", "bac-kan-stp-2023")}


def write_samples(folder: Path, keys: list[str] | None = None,
                  say: Callable[[str], None] = print) -> list[Path]:
    """Write the bundled sample exports (all, or `keys`) into `folder`; return their paths."""
    from ..samples import generator as sample
    from ..samples import merged
    from ..samples import shapes as sample_shapes

    known = sample_keys()
    for key in keys or []:
        if key not in known:
            raise InputError("unknown_sample", key=key, known=", ".join(known))
    out = []
    for key in keys or known:
        t = time.perf_counter()
        if key == sample.MESSY_KEY:
            path = sample.write_messy(sample.MESSY, folder / f"{key}.xlsx")
        elif key in portal_samples():
            path = sample.write_portal(portal_samples()[key], folder / f"{key}.csv")
        elif key in sample_shapes.SHAPES:
            path = sample_shapes.write_shape(sample_shapes.SHAPES[key], folder)
        elif key == merged.KEY:
            *_, path = merged.write_merged(folder)
        elif key == SENT_KEY:
            path = write_sent(folder)
        else:
            path = sample.write(sample.PROFILES[key], folder / f"{key}.csv")
        say(f"{path} ({time.perf_counter() - t:.1f} s)")
        out.append(path)
    return out


def _copy_new(src: Path, dst: Path, created: list[Path]) -> None:
    """Copy `src` to `dst` unless `dst` exists (an analyst's file is never overwritten)."""
    if dst.exists():
        return
    dst.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(src, dst)
    created.append(dst)


def report_notebook_ipynb() -> str:
    """Return the report notebook as .ipynb text, as shipped in notebooks/report.ipynb for
    papermill (a test keeps the two in step)."""
    import jupytext

    from ..core.paths import notebook

    nb = jupytext.read(notebook())
    nb.metadata.pop("jupytext", None)
    for i, cell in enumerate(nb.cells):
        cell["id"] = f"cell-{i}"
    return jupytext.writes(nb, fmt="ipynb")


def init(folder: Path, with_sample: bool = False,
         say: Callable[[str], None] = print) -> list[Path]:
    """Make a workspace in `folder`: its folders, a Vietnamese README, the notebooks, an
    example params file, and with `with_sample` the sample exports and the sample units'
    params. Existing files are kept; return the files created."""
    if folder.exists() and not folder.is_dir():
        raise InputError("workspace_is_file", folder=folder)
    created: list[Path] = []
    for name in FOLDERS:
        (folder / name).mkdir(parents=True, exist_ok=True)
    from ..core.paths import MARKER

    _copy_new(PACKAGE / "templates" / "tthc-workspace", folder / MARKER, created)
    _copy_new(PACKAGE / "templates" / "workspace_README.md", folder / "README.md", created)
    _copy_new(PACKAGE / "templates" / "jupytext.toml", folder / "jupytext.toml", created)
    for name in ("report.py", "report.ipynb", "explore.py"):
        _copy_new(resource("notebooks") / name, folder / "notebooks" / name, created)
    if with_sample:
        write_samples(folder / "data" / "samples", say=say)
        params = resource("sample_params")
        for src in sorted(params.glob("*/*.yaml")):
            _copy_new(src, folder / "params" / src.relative_to(params), created)
    else:
        from ..report.scaffold import new_params

        example = folder / "params" / "vi-du" / "2023-Q3.yaml"
        if not any((folder / "params").glob("*/*.yaml")):  # a template for the first unit
            example.parent.mkdir(parents=True, exist_ok=True)
            example.write_text(new_params("vi-du", "2023-Q3", "data/ho-so-2023-Q3.csv",
                                          "UBND tỉnh Ví Dụ", "tỉnh Ví Dụ"), encoding="utf-8")
            created.append(example)
    return created


def clean_samples(folder: Path, say: Callable[[str], None] = print) -> list[Path]:
    """Remove what `tthc sample` and the sample units' reports put in the workspace
    `folder`: the sample exports in data/samples/ and outputs/<unit>/<period>/ of the sample
    params. Anything else — an analyst's export, params or report — stays."""
    import yaml

    removed = []
    samples = folder / "data" / "samples"
    names = {f"{k}{ext}" for k in sample_keys() for ext in (".csv", ".xlsx")}
    names |= {f"{k}-danh-muc.yaml" for k in sample_keys()}
    from ..samples import merged

    names |= {merged.LEGACY, merged.PLATFORM}
    for path in sorted(samples.glob("*")) if samples.is_dir() else []:
        if path.name in names and path.is_file():
            path.unlink()
            removed.append(path)
        elif path.name == SENT_KEY and path.is_dir():
            shutil.rmtree(path)
            removed.append(path)
    for src in sorted(resource("sample_params").glob("*/*.yaml")):
        raw = yaml.safe_load(src.read_text(encoding="utf-8"))
        report = folder / "outputs" / raw["unit"]["slug"] / src.stem
        if report.is_dir():
            shutil.rmtree(report)
            removed.append(report)
            for parent in (report.parent,):
                if not any(parent.iterdir()):
                    parent.rmdir()
    for name in ("index.html", "batch.json"):
        if removed and (folder / "outputs" / name).is_file():
            (folder / "outputs" / name).unlink()
    for path in removed:
        say(f"đã xoá {path}")
    return removed
