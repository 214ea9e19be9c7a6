"""Execute the report notebook with papermill and export it to one self-contained HTML file.

Every output is written to a temporary file in its own folder and renamed into place, so
a failed run leaves the previous report intact; the failed notebook is kept beside it
for debugging.
"""

from __future__ import annotations

import os
import re
import shutil
import sys
import tempfile
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import nbformat

from .errors import InputError
from .paths import NOTEBOOK, OUTPUTS, report_dir
from .spec import load_spec


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
    """Return the report notebook (jupytext percent source) as a NotebookNode."""
    import jupytext

    return jupytext.read(NOTEBOOK)


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

    from .narrative.render import env
    from .report import tool_version

    exporter = HTMLExporter(template_name="basic", exclude_input=True,
                            exclude_input_prompt=True, exclude_output_prompt=True,
                            exclude_markdown=True, exclude_raw=True)
    body, _ = exporter.from_notebook_node(nb)
    title = nb.metadata.get("tthc", {}).get("title", "Báo cáo kiểm soát TTHC")
    page = env().from_string((Path(__file__).parent / "templates" / "page.html.j2")
                             .read_text(encoding="utf-8"))
    from markupsafe import Markup

    return page.render(title=title, body=Markup(body), version=tool_version())


class WarmKernel:
    """One Jupyter kernel kept alive across reports (a batch worker's): the libraries are
    imported once instead of once per report. Each report still runs every cell of a
    freshly parameterised notebook; the parameters and the report object are reassigned."""

    def __init__(self, kernel_name: str = "python3"):
        self.kernel_name = kernel_name
        self.km = None

    def run(self, nb, parameters: dict, cwd: Path, partial: Path):
        """Execute `nb` with `parameters`; return the executed notebook. On a cell error,
        write what ran to `partial` and raise nbclient's CellExecutionError."""
        from nbclient import NotebookClient
        from nbclient.exceptions import CellExecutionError, DeadKernelError
        from papermill.parameterize import parameterize_notebook

        for cell in nb.cells:  # papermill's loader guarantees tags; jupytext may not
            cell.metadata.setdefault("tags", [])
        nb.metadata.setdefault("papermill", {})
        nb = parameterize_notebook(nb, parameters, kernel_name=self.kernel_name)
        client = NotebookClient(nb, km=self.km, kernel_name=self.kernel_name, timeout=3600,
                                resources={"metadata": {"path": str(cwd)}})
        try:
            client.execute(cleanup_kc=False)
        except CellExecutionError:
            nbformat.write(client.nb, partial)
            raise
        except DeadKernelError:
            self.km = None
            raise
        finally:
            if client.km is not None and self.km is None:
                self.km = client.km
        return client.nb

    def close(self) -> None:
        if self.km is not None:
            from jupyter_core.utils import run_sync

            run_sync(self.km.shutdown_kernel)(now=True)
            self.km = None


def _execute(nb, parameters: dict, cwd: Path, out: Path, kernel_name: str, kernel):
    """Execute the notebook, with papermill (fresh kernel) or on a WarmKernel; return the
    executed notebook. Cell errors come back with `ename` and `evalue`."""
    if kernel is not None:
        return kernel.run(nb, parameters, cwd, out)
    import papermill as pm

    return pm.execute_notebook(nb, str(out), kernel_name=kernel_name, parameters=parameters,
                               cwd=str(cwd), progress_bar=False, log_output=False,
                               request_save_on_cell_execute=False)


def render_report(params: str | Path, outputs: Path = OUTPUTS, strict: bool = False,
                  pdf: bool = False, printer=None, kernel_name: str = "python3",
                  kernel: WarmKernel | None = None) -> Rendered:
    """Execute the notebook for a params YAML and publish report.html, report.ipynb,
    forms.xlsx, results.json (and report.pdf with `pdf`) under outputs/<unit>/<period>/.

    Everything is produced in a staging folder and renamed into place only when all of it
    succeeded. Raises InputError for bad params or data, RenderError otherwise."""
    from nbclient.exceptions import CellExecutionError
    from papermill import PapermillExecutionError

    params = Path(params).resolve()
    spec = load_spec(params)  # fail fast, before a kernel starts
    if pdf and printer is None:
        from .pdf import find_chromium

        find_chromium()
    out_dir = report_dir(Path(outputs), spec.unit.slug, spec.period.code)
    out_dir.mkdir(parents=True, exist_ok=True)
    stage = Path(tempfile.mkdtemp(prefix=".stage-", dir=out_dir))
    failed = out_dir / "report.failed.ipynb"
    nb = load_notebook()
    nb.metadata["tthc"] = {"title": f"Báo cáo TTHC {spec.unit.name} {spec.period.label_vi}"}
    try:
        try:
            with quiet_stderr(stage / "kernel.log"):
                executed = _execute(nb, {"params_path": str(params), "strict": strict,
                                         "stage_dir": str(stage)}, params.parent,
                                    stage / "report.ipynb", kernel_name, kernel)
        except (PapermillExecutionError, CellExecutionError) as exc:
            (stage / "report.ipynb").replace(failed)
            message = _cell_error(exc)
            if exc.ename in ("InputError", "PeriodError"):
                raise InputError(f"{message}\n(Notebook lỗi: {failed})") from None
            raise RenderError(f"{spec.path}: lỗi khi chạy notebook — {message}. Notebook lỗi: "
                              f"{failed}") from None
        (stage / "kernel.log").unlink(missing_ok=True)
        for i, cell in enumerate(executed.cells):  # stable ids: identical reruns, clean diffs
            cell["id"] = f"cell-{i}"
        nbformat.write(executed, stage / "report.ipynb")
        (stage / "report.html").write_text(export_html(executed), encoding="utf-8")
        if pdf:
            from .pdf import print_pdf

            if printer is None:
                print_pdf(stage / "report.html", stage / "report.pdf")
            else:
                printer.print(stage / "report.html", stage / "report.pdf")
        for f in sorted(stage.iterdir()):  # publish: one rename per file
            f.replace(out_dir / f.name)
        failed.unlink(missing_ok=True)
    finally:
        shutil.rmtree(stage, ignore_errors=True)
    return Rendered(out_dir, spec.unit.slug, spec.period.code)
