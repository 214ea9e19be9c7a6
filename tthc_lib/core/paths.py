"""Paths in one place.

The tool's own files (the report notebook, templates, rules) are package resources. An
analyst's files live in a workspace — the folder the command runs in (or `--workspace`):
`params/`, `data/`, `outputs/`.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent


def resource(folder: str) -> Path:
    """Return a folder the tool ships (`notebooks`, `sample_params`): inside the installed
    package, or — in the source checkout — the project's `notebooks/` and `params/`."""
    installed = PACKAGE / folder
    if installed.is_dir():
        return installed
    return PACKAGE.parent / {"sample_params": "params"}.get(folder, folder)


def notebook(name: str = "report.py") -> Path:
    """Return a shipped notebook (jupytext percent source)."""
    return resource("notebooks") / name


MARKER = ".tthc-workspace"  # written by `tthc init`: "this folder is a workspace"


def is_workspace(folder: Path) -> bool:
    """True when `folder` holds the workspace marker, or — a workspace made before the
    marker, or this source checkout — both a params/ and an outputs/ folder."""
    return (folder / MARKER).is_file() or ((folder / "params").is_dir()
                                           and (folder / "outputs").is_dir())


def find_workspace(start: Path | None = None) -> Path | None:
    """Return the nearest workspace at or above `start` (default: the current folder), or
    None. A notebook's kernel runs in notebooks/, a shell may be in data/: both find the
    workspace above them, as git finds its repository."""
    here = Path(start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if is_workspace(folder):
            return folder
    return None


def workspace() -> Path:
    """Return the workspace: the nearest one at or above the current folder, else the
    current folder itself."""
    return find_workspace() or Path.cwd()


def user_path(path: str | Path) -> Path:
    """Return a path a user typed (a command-line argument, a notebook's `params_path`):
    absolute as is; relative, from the current folder when it is there, else from the
    workspace — so `params/x/2023-Q3.yaml` works from notebooks/ too."""
    p = Path(path).expanduser()
    if p.is_absolute() or p.exists():
        return p
    return workspace() / p


def params_files(folder: Path | None = None) -> list[str]:
    """Return the workspace's params files (params/<unit>/<period>.yaml), relative to it."""
    root = folder or workspace()
    return sorted(str(p.relative_to(root)) for p in (root / "params").glob("*/*.yaml")
                  if p.is_file())


def outputs() -> Path:
    """Return the workspace's outputs folder."""
    return workspace() / "outputs"


def report_dir(outputs: Path, unit_slug: str, period_code: str) -> Path:
    """Return outputs/<unit>/<period>/, where one report's files go; refuse any path that
    would leave the outputs folder."""
    root = Path(outputs).resolve()
    out = (root / unit_slug / period_code).resolve()
    if root not in out.parents:
        from .errors import InputError

        raise InputError("outside_outputs", folder=f"{unit_slug}/{period_code}",
                         outputs=outputs)
    return out


def regular_file(path: Path, what: str = "tệp dữ liệu") -> Path:
    """Return `path` if it is a regular file that can be read; refuse a missing path, a
    folder, and a device, FIFO or socket (reading /dev/zero or a pipe never ends)."""
    from .errors import InputError

    try:
        mode = path.stat().st_mode
    except FileNotFoundError:
        raise InputError("file_missing", what=what, path=path) from None
    except OSError as exc:
        raise InputError("file_unreadable", what=what, path=path, why=exc.strerror) from None
    if stat.S_ISDIR(mode):
        raise InputError("file_is_folder", what=what, path=path)
    if not stat.S_ISREG(mode):
        raise InputError("file_not_regular", what=what, path=path)
    if not os.access(path, os.R_OK):
        raise InputError("file_no_permission", what=what, path=path)
    return path


def file_identity(path: Path) -> tuple:
    """A file's identity for what is kept about it: its resolved path, size, modification
    time (ns) and inode — a changed or replaced file is another file; (path, None) for a
    file that cannot be read."""
    try:
        st = Path(path).stat()
    except OSError:
        return (str(path), None)
    return (str(Path(path).resolve()), st.st_size, st.st_mtime_ns, st.st_ino)


CACHE = ".cache"  # in the outputs folder: what a run keeps for the next one


def cache_dir() -> Path | None:
    """Return the folder of what runs keep for later runs (parsed exports, a Parquet
    export's verdict, `tthc compute`'s answers): TTHC_CACHE when set, else the workspace's
    outputs/.cache — nothing is written outside the outputs folder; outside a workspace,
    None: nothing is kept."""
    if os.environ.get("TTHC_CACHE"):
        return Path(os.environ["TTHC_CACHE"])
    ws = find_workspace()
    return ws / "outputs" / CACHE if ws is not None else None


@contextmanager
def atomic_output(path: Path) -> Iterator[Path]:
    """Yield a temporary path beside `path`; when the block succeeds it is renamed onto
    `path`, when it fails it is removed — nobody ever reads a half-written file."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        yield tmp
        tmp.replace(path)
    finally:
        tmp.unlink(missing_ok=True)
