"""Render every unit of a period in one command: a process pool (one Python process per
worker, reused across units; with --pdf one browser per worker), a progress line per unit,
and outputs/index.html listing every report with its headline figures."""

from __future__ import annotations

import atexit
import json
import os
import sys
import time
import traceback
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import asdict, dataclass
from pathlib import Path

from ..core.errors import InputError
from ..core.periods import PeriodError, parse_period
from ..report.spec import read_params


@dataclass
class Outcome:
    """How one unit's report went."""

    params: str
    unit: str
    period: str
    ok: bool
    seconds: float
    message: str = ""
    folder: str = ""


def find_params(root: Path, period: str | None) -> list[Path]:
    """Return the params files under `root` (a folder or one file) for `period` (any period
    when None). Files whose period cannot be read are kept, so they fail visibly."""
    files = [root] if root.is_file() else sorted(root.rglob("*.yaml")) + sorted(
        root.rglob("*.yml"))
    if period is None:
        return files
    want = parse_period(period).code
    out = []
    for f in files:
        try:
            if parse_period(read_params(f)["period"]).code == want:
                out.append(f)
        except (InputError, KeyError, TypeError, PeriodError):
            out.append(f)
    return out


def planned(files: list[Path], outputs: Path) -> dict[str, Path]:
    """Return, per params file that reads, the report folder it will write; refuse two
    files writing the same folder (a copied params file would overwrite the other's
    report) before anything is rendered."""
    from ..core.errors import InputError
    from ..core.paths import report_dir
    from ..report.spec import load_spec

    where: dict[str, Path] = {}
    for f in files:
        try:
            spec = load_spec(f)
            where[str(f)] = report_dir(outputs, spec.unit.slug, spec.period.code)
        except InputError:
            continue  # rendering reports it, with the other units
    by_folder: dict[Path, list[str]] = {}
    for f, folder in where.items():
        by_folder.setdefault(folder, []).append(f)
    clashes = {k: v for k, v in by_folder.items() if len(v) > 1}
    if clashes:
        lines = [f"  - {folder.relative_to(outputs)}: {', '.join(fs)}"
                 for folder, fs in clashes.items()]
        raise InputError("same_unit_twice", files="\n".join(lines))
    return where


_printer = None
_kernel = None
def _worker_init() -> None:
    from ..core.signals import worker

    worker(_abandon)


def _abandon() -> None:
    """A stopped worker's last act: kill its kernel, remove the staging folder of the
    report it was making (the browser driver ends with the worker)."""
    from .render import remove_staging

    if _kernel is not None:
        _kernel.kill()
    remove_staging()


def _get_kernel():
    global _kernel
    if _kernel is None:
        from .render import WarmKernel

        _kernel = WarmKernel()
        atexit.register(_kernel.close)
    return _kernel


def _get_printer():
    global _printer
    if _printer is None:
        from .pdf import PdfPrinter

        _printer = PdfPrinter().__enter__()
        atexit.register(_printer.__exit__, None, None, None)
    return _printer


def render_one(params: str, outputs: str, pdf: bool, strict: bool) -> Outcome:
    """Render one unit in this worker process; never raises (failures become Outcomes)."""
    from ..core.errors import InputError
    from .render import render_report

    t = time.perf_counter()
    unit = period = ""
    try:
        raw = read_params(Path(params))
        unit = str((raw.get("unit") or {}).get("slug", Path(params).parent.name))
        period = str(raw.get("period", ""))
    except Exception:  # the render below reports the problem properly
        unit = Path(params).parent.name
    try:
        out = render_report(params, outputs=Path(outputs), strict=strict, pdf=pdf,
                            printer=_get_printer() if pdf else None, kernel=_get_kernel())
        return Outcome(params, out.unit, out.period, True, time.perf_counter() - t,
                       folder=str(out.folder))
    except InputError as exc:
        return Outcome(params, unit, period, False, time.perf_counter() - t, str(exc))
    except Exception as exc:
        last = traceback.format_exception_only(type(exc), exc)[-1].strip()
        return Outcome(params, unit, period, False, time.perf_counter() - t, last)


STOPPED = "Đã dừng trước khi tạo xong; báo cáo cũ (nếu có) giữ nguyên."


def _bar(done: int, total: int, width: int = 20) -> str:
    filled = width * done // max(total, 1)
    return "█" * filled + "·" * (width - filled)


class _LocalPool:
    """A process pool on this machine: one warm kernel (and browser) per worker."""

    def __init__(self, workers: int):
        self.pool = ProcessPoolExecutor(max_workers=workers, initializer=_worker_init)
        self.label = f"{workers} tiến trình"

    def submit(self, files: list[Path], *args) -> dict:
        return {self.pool.submit(render_one, str(f), *args): f for f in files}

    def completed(self, futures: dict):
        return as_completed(futures)

    def stop(self, futures: dict, outcomes: dict[str, Outcome]) -> None:
        _stop(self.pool, futures, outcomes)

    def close(self, wait: bool) -> None:
        self.pool.shutdown(wait=wait, cancel_futures=True)


class _DaskPool:
    """The workers of a Dask distributed cluster (`tthc batch --scheduler ADDRESS`): the
    same `render_one` per unit; every worker must see the same paths (a shared folder)."""

    def __init__(self, address: str):
        try:
            from distributed import Client
        except ImportError:
            raise InputError("dask_missing") from None
        try:
            self.client = Client(address, timeout="20s")
        except (OSError, TimeoutError) as exc:
            raise InputError("dask_unreachable", address=address,
                             why=type(exc).__name__) from None
        n = len(self.client.scheduler_info().get("workers", {}))
        self.label = f"cụm Dask {address} ({n} worker)"

    def submit(self, files: list[Path], *args) -> dict:
        return {self.client.submit(render_one, str(f), *args, pure=False,
                                   key=f"tthc-{i}-{f.parent.name}-{f.stem}"): f
                for i, f in enumerate(files)}

    def completed(self, futures: dict):
        from distributed import as_completed as dask_completed

        return dask_completed(list(futures))

    def stop(self, futures: dict, outcomes: dict[str, Outcome]) -> None:
        self.client.cancel([f for f in futures if not f.done()])
        for fut in futures:
            if fut.status == "finished" and (o := fut.result()).ok:
                outcomes[o.params] = o

    def close(self, wait: bool) -> None:
        self.client.close()


def run_batch(files: list[Path], outputs: Path, workers: int | None = None, pdf: bool = False,
              strict: bool = False, stream=sys.stderr, scheduler: str | None = None
              ) -> list[Outcome]:
    """Render every params file with a pool of `workers` processes (or on the Dask cluster
    at `scheduler`); print one progress line per finished unit; write outputs/index.html;
    return the outcomes in input order."""
    from ..core.signals import Interrupted

    start = time.perf_counter()
    outputs = outputs.resolve()
    folders = planned(files, outputs)
    workers = max(1, min(workers or os.cpu_count() or 1, len(files) or 1))
    pool = _DaskPool(scheduler) if scheduler else _LocalPool(workers)
    print(f"Tạo {len(files)} báo cáo với {pool.label}"
          f"{' (HTML, XLSX, PDF)' if pdf else ' (HTML, XLSX)'}…", file=stream, flush=True)
    outcomes: dict[str, Outcome] = {}
    stopped: Interrupted | None = None
    futures: dict = {}
    try:
        for wave in _waves(files, folders):  # earlier periods first: later ones see them
            futures = pool.submit(wave, str(outputs), pdf, strict)
            for fut in pool.completed(futures):
                _progress(fut.result(), outcomes, len(files), start, stream)
    except KeyboardInterrupt as exc:
        stopped = exc if isinstance(exc, Interrupted) else Interrupted()
        pool.stop(futures, outcomes)
    finally:
        pool.close(wait=stopped is None)
    ordered = [outcomes.get(str(f)) or _unfinished(f, folders.get(str(f))) for f in files]
    write_index(outputs, ordered)
    if stopped is not None:
        done = sum(o.ok for o in ordered)
        raise Interrupted(stopped.signum, (
            f"Đã dừng ({stopped.how}) sau {time.perf_counter() - start:.0f} s: {done}/"
            f"{len(files)} báo cáo đã tạo xong; {len(files) - done} báo cáo còn lại chưa tạo, "
            f"báo cáo cũ của chúng (nếu có) giữ nguyên. Danh mục: {outputs / 'index.html'}"))
    failed = [o for o in ordered if not o.ok]
    print(f"Xong: {len(ordered) - len(failed)} thành công, {len(failed)} lỗi, "
          f"{time.perf_counter() - start:.1f} s. Danh mục: {outputs / 'index.html'}",
          file=stream, flush=True)
    for o in failed:
        print(f"  LỖI {o.params}:\n    " + o.message.replace("\n", "\n    "), file=stream)
    return ordered


def _waves(files: list[Path], folders: dict[str, Path]) -> list[list[Path]]:
    """Group the params files so that each report finds what it reads already published:
    by the start of their period, earliest first (a trend finds the unit's earlier
    reports); units that consolidate members (`members:`) after every unit they consolidate
    — a province after its districts after their communes, a year built from members'
    quarters after those quarters (files whose period cannot be read go first: they fail
    fast)."""
    from ..core.periods import parse_period

    members: dict[str, list[str]] = {}
    for f in files:
        try:
            raw = read_params(f)
            listed = raw.get("members") or []
            members[str(f)] = [m.get("slug") for m in listed if isinstance(m, dict)]
        except InputError:
            members[str(f)] = []
    slug_files: dict[str, list[str]] = {}
    for f, folder in folders.items():
        slug_files.setdefault(folder.parent.name, []).append(f)

    def depth(f: str, seen: frozenset = frozenset()) -> int:
        if not members.get(f) or f in seen:
            return 0
        below = [depth(g, seen | {f}) for slug in members[f] for g in slug_files.get(slug, [])]
        return 1 + max(below, default=0)

    def key(f: Path) -> tuple[int, int]:
        folder = folders.get(str(f))
        if not folder:
            return 0, 0
        return depth(str(f)), parse_period(folder.name).start.toordinal()

    by_key: dict[tuple[int, int], list[Path]] = {}
    for f in files:
        by_key.setdefault(key(f), []).append(f)
    return [by_key[k] for k in sorted(by_key)]


def _progress(o: Outcome, outcomes: dict[str, Outcome], total: int, start: float,
              stream) -> None:
    outcomes[o.params] = o
    elapsed = time.perf_counter() - start
    status = "ok   " if o.ok else "LỖI  "
    why = "" if o.ok else " — " + o.message.splitlines()[0][:160]
    print(f"[{_bar(len(outcomes), total)}] {len(outcomes):>3}/{total} {status}{o.unit} "
          f"{o.period} ({o.seconds:.1f} s; đã chạy {elapsed:.0f} s){why}", file=stream,
          flush=True)


def _stop(pool, futures: dict, outcomes: dict[str, Outcome]) -> None:
    """Stop a batch: stop each worker (SIGTERM: its render is abandoned, its staging folder
    removed; a report being published is published whole) and keep what already finished."""
    from concurrent.futures import wait

    # no Future.cancel(): the pool marks every unfinished future broken when its workers
    # end, and (Python 3.11) fails on one that was cancelled
    processes = list(getattr(pool, "_processes", {}).values())
    for proc in processes:
        proc.terminate()
    try:
        wait(list(futures), timeout=30)
    except KeyboardInterrupt:  # a second Ctrl-C: do not wait any longer
        for proc in processes:
            proc.kill()
    for fut in futures:
        if fut.done() and not fut.cancelled() and fut.exception() is None:
            o = fut.result()
            if o.ok:
                outcomes[o.params] = o


def _unfinished(params: Path, folder: Path | None) -> Outcome:
    """The outcome of a unit the batch did not finish: its earlier report, if any, stays."""
    unit, period = (folder.parent.name, folder.name) if folder else (params.parent.name, "")
    keep = folder if folder and (folder / "results.json").exists() else None
    return Outcome(str(params), unit, period, False, 0.0, STOPPED, str(keep or ""))


def write_index(outputs: Path, outcomes: list[Outcome] = ()) -> Path:
    """Write outputs/index.html (every report in the outputs folder, by period) and, for a
    batch, batch.json (this run's outcomes)."""
    from .index import write

    path = write(outputs, outcomes)
    if outcomes:
        (outputs / "batch.json").write_text(json.dumps([asdict(o) for o in outcomes],
                                                       ensure_ascii=False, indent=1), "utf-8")
    return path
