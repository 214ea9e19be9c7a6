"""Execute the report notebook with papermill and export it to one self-contained HTML file.

Every output is written to a temporary file in its own folder and renamed into place, so
a failed run leaves the previous report intact; the failed notebook is kept beside it
for debugging.
"""

from __future__ import annotations

import os
import queue
import re
import shutil
import sys
import tempfile
import threading
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import nbformat

from ..core.errors import InputError
from ..core.paths import PACKAGE, notebook, report_dir
from ..core.paths import outputs as workspace_outputs
from ..core.signals import deferred
from ..report.spec import load_spec


class RenderError(Exception):
    """A report could not be rendered; the message says why and where the notebook is."""


@dataclass
class Rendered:
    """Where one report's files were published."""

    folder: Path
    unit: str
    period: str

    @property
    def html(self) -> Path:
        return self.folder / "report.html"

    @property
    def pdf(self) -> Path:
        return self.folder / "report.pdf"

    @property
    def xlsx(self) -> Path:
        return self.folder / "forms.xlsx"


@contextmanager
def quiet_stderr(log: Path):
    """Send this process's and the kernel's stderr (start-up warnings) to `log`."""
    sys.stderr.flush()
    saved = os.dup(2)
    with log.open("ab") as fh:
        os.dup2(fh.fileno(), 2)
        try:
            yield
        finally:
            sys.stderr.flush()
            os.dup2(saved, 2)
            os.close(saved)


def load_notebook():
    """Return the report notebook as a NotebookNode: the shipped report.ipynb (kept equal to
    the jupytext source report.py by a test; reading it needs no jupytext, ≈0.2 s less)."""
    return nbformat.read(notebook("report.ipynb"), as_version=4)


_ANSI = re.compile(r"\x1b\[[0-9;]*m")


def _cell_error(exc) -> str:
    """Return the user-facing message of an error raised inside the notebook."""
    ename, evalue = getattr(exc, "ename", ""), getattr(exc, "evalue", str(exc))
    evalue = _ANSI.sub("", str(evalue))
    if ename in ("InputError", "PeriodError"):
        return evalue
    return f"{ename}: {evalue}"


def export_html(nb) -> str:
    """Return the executed notebook as one HTML page: outputs only, images embedded, no
    scripts and nothing loaded from the network."""
    from nbconvert import HTMLExporter

    from ..core.version import tool_version
    from ..report.narrative.render import env

    exporter = HTMLExporter(template_name="basic", exclude_input=True,
                            exclude_input_prompt=True, exclude_output_prompt=True,
                            exclude_markdown=True, exclude_raw=True)
    body, _ = exporter.from_notebook_node(nb)
    title = nb.metadata.get("tthc", {}).get("title", "Báo cáo kiểm soát TTHC")
    page = env().from_string((PACKAGE / "templates" / "page.html.j2")
                             .read_text(encoding="utf-8"))
    from markupsafe import Markup

    return page.render(title=title, body=Markup(body), version=tool_version())


WARM_ENGINE = "tthc-warm"


def _register_engine() -> None:
    """Register with papermill the engine that runs a notebook on a given, kept-alive kernel
    (papermill's own engine, passed `km`: it then neither starts nor stops the kernel)."""
    from papermill.engines import NBClientEngine, papermill_engines

    class WarmEngine(NBClientEngine):
        """nbclient's papermill engine on the kernel manager `km` given to
        `papermill.execute_notebook(…, km=…)`."""

    papermill_engines.register(WARM_ENGINE, WarmEngine)


class WarmKernel:
    """One Jupyter kernel kept alive across reports (a batch worker's): the libraries are
    imported once instead of once per report. Each report still runs every cell of a
    freshly parameterised notebook; the parameters and the report object are reassigned."""

    def __init__(self, kernel_name: str = "python3"):
        self.kernel_name = kernel_name
        self.km = None
        self._jobs: queue.Queue | None = None

    def run(self, nb, parameters: dict, cwd: Path, partial: Path):
        """Execute `nb` with `parameters`; return the executed notebook. On a cell error,
        write what ran to `partial` and raise nbclient's CellExecutionError.

        The notebook runs in this kernel's own thread: nbclient then leaves the process's
        signal handlers alone (in the main thread it replaces them), so Ctrl-C and SIGTERM
        reach the main thread, which kills the kernel and stops at once."""
        if self._jobs is None:
            _register_engine()
            self._jobs = queue.Queue()
            threading.Thread(target=self._serve, daemon=True, name="kernel").start()
        done: queue.Queue = queue.Queue()
        self._jobs.put((nb, parameters, cwd, partial, done))
        try:
            while True:
                try:
                    ok, value = done.get(timeout=0.2)
                    break
                except queue.Empty:
                    continue
        except BaseException:  # Interrupted: the cell may run for minutes, do not wait
            self.kill()
            raise
        if not ok:
            raise value
        return value

    def _serve(self) -> None:
        while True:
            nb, parameters, cwd, partial, done = self._jobs.get()
            try:
                done.put((True, self._run(nb, parameters, cwd, partial)))
            except BaseException as exc:  # handed to the waiting thread
                done.put((False, exc))

    def _run(self, nb, parameters: dict, cwd: Path, partial: Path):
        """Execute through papermill (its parameter injection, error cells, output notebook)
        with the engine `tthc-warm`, on this object's kernel."""
        import papermill as pm
        from jupyter_client.manager import AsyncKernelManager
        from nbclient.exceptions import DeadKernelError

        for cell in nb.cells:  # papermill's loader guarantees tags; jupytext may not
            cell.metadata.setdefault("tags", [])
        if self.km is None:
            self.km = AsyncKernelManager(kernel_name=self.kernel_name)
        try:
            return pm.execute_notebook(nb, str(partial), parameters=parameters,
                                       engine_name=WARM_ENGINE, kernel_name=self.kernel_name,
                                       progress_bar=False, log_output=False,
                                       request_save_on_cell_execute=False, km=self.km,
                                       execution_timeout=3600)
        except DeadKernelError:
            self.km = None
            raise

    def kill(self) -> None:
        """Kill the kernel's process group at once (a worker that is being stopped)."""
        import signal

        prov = getattr(self.km, "provisioner", None)
        pgid = getattr(prov, "pgid", None) or getattr(prov, "pid", None)
        if pgid:
            try:
                os.killpg(pgid, signal.SIGKILL)
            except OSError:
                pass
        self.km = None

    def close(self) -> None:
        if self.km is not None:
            from jupyter_core.utils import run_sync

            run_sync(self.km.shutdown_kernel)(now=True)
            self.km = None


_STAGING: set[Path] = set()  # this process's staging folders, for a stopped worker


def _remove_abandoned(out_dir: Path) -> None:
    """Remove staging folders left by a process that no longer runs (killed outright)."""
    for stage in out_dir.glob(".stage-*"):
        pid = stage.name.split("-")[1]
        if pid.isdigit() and not _alive(int(pid)):
            shutil.rmtree(stage, ignore_errors=True)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True
    return True


def remove_staging() -> None:
    """Remove the staging folders of reports this process is making (it is stopping)."""
    for stage in list(_STAGING):
        shutil.rmtree(stage, ignore_errors=True)
        for folder in (stage.parent, stage.parent.parent):
            try:
                folder.rmdir()  # only when a first run left it empty
            except OSError:
                break


def render_report(params: str | Path, outputs: Path | None = None, strict: bool = False,
                  pdf: bool = False, printer=None, kernel_name: str = "python3",
                  kernel: WarmKernel | None = None, say=None) -> Rendered:
    """Execute the notebook for a params YAML and publish report.html, report.ipynb,
    forms.xlsx, results.json (and report.pdf with `pdf`) under outputs/<unit>/<period>/.

    Everything is produced in a staging folder and renamed into place only when all of it
    succeeded. Raises InputError for bad params or data, RenderError otherwise. `say`, if
    given, is told each step as it starts."""
    import time

    t0 = time.perf_counter()

    def step(text: str) -> None:
        if say is not None:
            say(f"[{time.perf_counter() - t0:5.1f} s] {text}")

    from papermill import PapermillExecutionError

    params = Path(params).resolve()
    outputs = Path(outputs or workspace_outputs()).resolve()
    step(f"đọc tham số {params.name}")
    spec = load_spec(params)  # fail fast, before a kernel starts
    if pdf and printer is None:
        from .pdf import find_chromium

        find_chromium()
    out_dir = report_dir(Path(outputs), spec.unit.slug, spec.period.code)
    out_dir.mkdir(parents=True, exist_ok=True)
    _remove_abandoned(out_dir)
    failed = out_dir / "report.failed.ipynb"
    nb = load_notebook()
    nb.metadata["tthc"] = {"title": f"Báo cáo TTHC {spec.unit.name} {spec.period.label_vi}"}
    own = kernel is None  # one report: a kernel of its own, shut down at the end
    kernel = kernel or WarmKernel(kernel_name)
    with deferred():  # the staging folder exists only inside the try that removes it
        stage = Path(tempfile.mkdtemp(prefix=f".stage-{os.getpid()}-", dir=out_dir))
        _STAGING.add(stage)
    try:
        step(f"tính số liệu, viết báo cáo {spec.unit.name} {spec.period.label_vi} (notebook)")
        try:
            with quiet_stderr(stage / "kernel.log"):
                executed = kernel.run(nb, {"params_path": str(params), "strict": strict,
                                           "stage_dir": str(stage),
                                           "outputs_dir": str(outputs)}, Path.cwd(),
                                      stage / "report.ipynb")
        except PapermillExecutionError as exc:
            (stage / "report.ipynb").replace(failed)
            message = _cell_error(exc)
            if exc.ename in ("InputError", "PeriodError"):
                raise InputError("notebook_input", problem=message, notebook=failed) from None
            raise RenderError(f"{spec.path}: lỗi khi chạy notebook — {message}. Notebook lỗi: "
                              f"{failed}") from None
        (stage / "kernel.log").unlink(missing_ok=True)
        for i, cell in enumerate(executed.cells):  # stable ids: identical reruns, clean diffs
            cell["id"] = f"cell-{i}"
        step("xuất report.html")
        nbformat.write(executed, stage / "report.ipynb")
        (stage / "report.html").write_text(export_html(executed), encoding="utf-8")
        if pdf:
            from .pdf import print_pdf

            step("in report.pdf (Chromium)")
            if printer is None:
                print_pdf(stage / "report.html", stage / "report.pdf")
            else:
                printer.print(stage / "report.html", stage / "report.pdf")
        step(f"ghi vào {out_dir}")
        with deferred():  # publish: one rename per file, never interrupted halfway
            for f in sorted(stage.iterdir()):
                f.replace(out_dir / f.name)
            failed.unlink(missing_ok=True)
            if not pdf:  # every file of a report comes from the same run
                (out_dir / "report.pdf").unlink(missing_ok=True)
    finally:
        if own:
            kernel.close()
        shutil.rmtree(stage, ignore_errors=True)
        _STAGING.discard(stage)
        for folder in (out_dir, out_dir.parent):  # a first run that failed leaves nothing
            if folder != outputs and not any(folder.iterdir()):
                folder.rmdir()
    return Rendered(out_dir, spec.unit.slug, spec.period.code)
