"""Real clients, driven as people use them (slow): JupyterLab opening the workspace's
notebooks and running them to the end, and the shared report.html on a phone's screen.

JupyterLab and the page are driven by playwright with Debian's chromium (the PDF's browser);
a fresh `tthc init ws --sample` workspace is the analyst's."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from tthc_lib.run.pdf import CHROMIUM_ARGS, find_chromium

pytestmark = pytest.mark.slow
BIN = Path(sys.executable).parent
PARAMS = "params/bac-giang/2023-Q3.yaml"  # the path the workspace README shows


def tthc(*args, cwd) -> subprocess.CompletedProcess:
    res = subprocess.run([sys.executable, "-m", "tthc_lib.cli", *args], cwd=cwd,
                         capture_output=True, text=True, timeout=600)
    assert res.returncode == 0, res.stderr
    return res


@pytest.fixture(scope="module")
def ws(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("analyst")
    tthc("init", "ws", "--sample", cwd=root)
    return root / "ws"


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=find_chromium(), args=CHROMIUM_ARGS)
        yield b
        b.close()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def lab(ws):
    """A JupyterLab server in the workspace, as `jupyter lab` there starts it."""
    port, token = _free_port(), "tthc-test"
    log = open(ws.parent / "lab.log", "w")  # noqa: SIM115 — closed below
    proc = subprocess.Popen(
        [str(BIN / "jupyter"), "lab", "--no-browser", f"--port={port}", "--ip=127.0.0.1",
         f"--ServerApp.token={token}", f"--ServerApp.root_dir={ws}", "--allow-root",
         "--LabApp.expose_app_in_browser=True", "--ServerApp.disable_check_xsrf=True",
         # a Lab of its own: no layout restored from an earlier session in ~/.jupyter
         f"--LabApp.workspaces_dir={ws.parent / 'lab-workspaces'}",
         f"--LabApp.user_settings_dir={ws.parent / 'lab-settings'}"],
        cwd=ws, stdout=log, stderr=subprocess.STDOUT,
        env={**os.environ, "PATH": f"{BIN}:{os.environ['PATH']}"})
    url = f"http://127.0.0.1:{port}"
    for _ in range(120):
        try:
            urllib.request.urlopen(f"{url}/api/status?token={token}", timeout=2)
            break
        except OSError:
            time.sleep(0.5)
    else:
        proc.terminate()
        pytest.fail("JupyterLab did not start: " + (ws.parent / "lab.log").read_text())
    yield f"{url}/lab?reset&token={token}"
    proc.terminate()
    proc.wait(timeout=30)
    log.close()


class Lab:
    """One JupyterLab page: open a notebook, edit a cell, Run All, read the outputs."""

    def __init__(self, browser, url):
        self.page = browser.new_page(viewport={"width": 1400, "height": 900})
        self.page.goto(url)
        self.page.wait_for_function("window.jupyterapp !== undefined", timeout=120_000)
        # every awaited step in the page gives up after a while instead of hanging the run
        self.page.evaluate("""() => { window.within = (p, what, ms = 120000) => Promise.race(
            [p, new Promise((_, no) => setTimeout(() => no(new Error(what + ': timeout')),
                                                   ms))]); }""")
        self.page.evaluate("async () => { await within(window.jupyterapp.started, 'start'); "
                           "await within(window.jupyterapp.restored, 'restore'); }")

    def open(self, path: str) -> None:
        self.page.evaluate("""async (path) => {
            const w = await within(window.jupyterapp.commands.execute('docmanager:open',
                {path, factory: 'Jupytext Notebook'}), 'open');
            await within(w.context.ready, 'context');
            await within(w.sessionContext.ready, 'kernel');
            window.nb = w; }""", path)

    def set_parameter(self, name: str, value: str) -> None:
        self.page.evaluate("""([name, value]) => {
            const cell = window.nb.content.widgets.find(c => c.model.type === 'code'
                && c.model.sharedModel.getSource().includes(name + ': str = '));
            const src = cell.model.sharedModel.getSource().split('\\n').map(line =>
                line.startsWith(name + ': str = ') ? name + ': str = ' + JSON.stringify(value)
                + '  # ' + line.split('# ').slice(1).join('# ') : line).join('\\n');
            cell.model.sharedModel.setSource(src); }""", [name, value])

    def _kernel_idle(self, timeout: float = 180) -> None:
        deadline = time.monotonic() + timeout
        while self.page.evaluate("() => window.nb.sessionContext.session?.kernel?.status") \
                != "idle":
            if time.monotonic() > deadline:
                pytest.fail("the kernel did not become idle")
            time.sleep(0.5)

    def run_all(self, fresh: bool = False, timeout: float = 300) -> list[list[dict]]:
        """Run All (`fresh`: on a restarted kernel) and wait until every cell ran or one
        failed; return each code cell's outputs (nbformat JSON)."""
        self._kernel_idle()
        self.page.evaluate("""async (fresh) => {
            const app = window.jupyterapp;
            app.shell.activateById(window.nb.id);
            await within(app.commands.execute('notebook:clear-all-cell-outputs'), 'clear');
            if (fresh) await within(window.nb.sessionContext.restartKernel(), 'restart');
            }""", fresh)
        self._kernel_idle()
        self.page.evaluate("() => { window.jupyterapp.shell.activateById(window.nb.id); "
                           "window.jupyterapp.commands.execute('notebook:run-all-cells'); }")
        deadline, state = time.monotonic() + timeout, {}
        while time.monotonic() < deadline:
            state = self.page.evaluate("""() => {
                const cells = window.nb.content.widgets.filter(c => c.model.type === 'code');
                const outs = cells.map(c => c.model.outputs.toJSON());
                const status = window.nb.sessionContext.session?.kernel?.status;
                const ran = cells.filter(c => c.model.executionCount !== null).length;
                const failed = outs.some(o => o.some(x => x.output_type === 'error'));
                const busy = cells.some(c =>
                    c.node.querySelector('.jp-InputPrompt')?.textContent.includes('*'));
                return {done: (ran === cells.length || failed) && !busy && status === 'idle',
                        outs, ran, cells: cells.length, status}; }""")
            if state["done"]:
                return state["outs"]
            time.sleep(0.5)
        pytest.fail(f"Run All did not finish: {state.get('ran')}/{state.get('cells')} cells, "
                    f"kernel {state.get('status')}")

    def save(self) -> None:
        self.page.evaluate("async () => { await within(window.nb.context.save(), 'save'); }")


def _errors(outs: list[list[dict]]) -> list[str]:
    return [json.dumps(o, ensure_ascii=False)[:400] for cell in outs for o in cell
            if o["output_type"] == "error"
            or (o["output_type"] == "stream" and o.get("name") == "stderr")]


def _charts(outs: list[list[dict]]) -> int:
    return sum("<svg" in "".join(o.get("data", {}).get("text/html", ""))
               for cell in outs for o in cell)


def test_jupyterlab_runs_the_report_notebook_and_saving_keeps_the_papermill_notebook(
        ws, lab, browser):
    shipped = (ws / "notebooks" / "report.ipynb").read_bytes()
    session = Lab(browser, lab)
    session.open("notebooks/report.py")
    session.set_parameter("params_path", PARAMS)
    outs = session.run_all()
    assert not _errors(outs), _errors(outs)
    assert _charts(outs) >= 6
    html = json.dumps(outs, ensure_ascii=False)
    assert "177.681" in html and "Bắc Giang" in html  # the unit's own figures (seed 000)
    session.save()
    time.sleep(1)
    assert (ws / "notebooks" / "report.ipynb").read_bytes() == shipped  # never rewritten
    text = (ws / "notebooks" / "report.py").read_text(encoding="utf-8")
    assert f'params_path: str = "{PARAMS}"' in text and 'tags=["parameters"]' in text
    assert "177.681" not in text and "<svg" not in text  # the text only, never outputs
    assert not list((ws / "notebooks").glob("report*.ipynb"))[1:]

    # an empty params_path: a short Vietnamese note listing the params files
    session.set_parameter("params_path", "")
    outs = session.run_all(fresh=True)
    errors = [o for cell in outs for o in cell if o["output_type"] == "error"]
    assert len(errors) == 1 and errors[0]["ename"] == "InputError"
    note = "\n".join(errors[0]["traceback"])
    assert "Chưa chọn tệp tham số" in note and PARAMS in note
    assert "Traceback" not in note and "File " not in note and len(note.splitlines()) < 20
    session.page.close()


def test_jupyterlab_runs_the_explore_notebook_as_shipped(ws, lab, browser):
    session = Lab(browser, lab)
    session.open("notebooks/explore.py")
    outs = session.run_all()
    assert not _errors(outs), _errors(outs)
    assert _charts(outs) >= 2
    tables = [o for cell in outs for o in cell if "text/html" in o.get("data", {})]
    assert len(tables) >= 8 and "Cơ quan" in json.dumps(outs, ensure_ascii=False)
    session.page.close()


PHONE = {"viewport": {"width": 390, "height": 844}, "device_scale_factor": 3,
         "is_mobile": True, "has_touch": True}


@pytest.fixture(scope="module")
def report_html(ws) -> Path:
    tthc("report", PARAMS, cwd=ws)
    return ws / "outputs" / "bac-giang" / "2023-Q3" / "report.html"


def test_the_shared_report_reads_well_on_a_phone(report_html, browser):
    page = browser.new_page(**PHONE)
    page.goto(report_html.as_uri())
    m = page.evaluate("""() => {
        const W = document.documentElement.clientWidth;
        const outside = [...document.querySelectorAll('body *')].filter(e =>
            !e.closest('.table-scroll') && e.getBoundingClientRect().right > W + 0.5)
            .map(e => e.tagName + '.' + e.className);
        const fonts = [...document.querySelectorAll('figure.chart svg')].map(svg =>
            Math.min(...[...svg.querySelectorAll('text')].map(t =>
                parseFloat(getComputedStyle(t).fontSize) * svg.getScreenCTM().a)));
        const box = document.querySelector('.table-scroll');
        box.scrollLeft = box.scrollWidth;  // to its right end
        const name = box.querySelector('tbody td.name').getBoundingClientRect();
        const boxLeft = box.getBoundingClientRect().left;
        const hint = document.querySelector('p.scroll-hint');
        const caption = document.querySelector('p.table-caption').getBoundingClientRect();
        const phrases = [...document.querySelectorAll('.masthead .nw')].map(e =>
            [e.textContent, e.getClientRects().length]);
        return {W, scroll: document.documentElement.scrollWidth, outside, fonts,
                nameLeft: name.left - boxLeft, hint: getComputedStyle(hint).display,
                captionRight: caption.right, phrases, scrolled: box.scrollLeft}; }""")
    assert m["scroll"] <= m["W"] == 390, m["outside"][:10]  # no sideways panning
    assert len(m["fonts"]) >= 6 and min(m["fonts"]) >= 11, m["fonts"]  # chart labels
    assert m["scrolled"] > 150 and abs(m["nameLeft"]) < 1  # the name column stays
    assert m["hint"] == "block" and m["captionRight"] <= 390
    texts = {t for t, _ in m["phrases"]}
    assert {"Hạnh phúc", "Độc lập -"} <= texts and any(t.startswith("Số:") for t in texts)
    assert all(lines == 1 for _, lines in m["phrases"]), m["phrases"]  # never split
    page.close()


def test_on_a_desktop_the_hint_is_hidden_and_the_charts_keep_their_size(report_html, browser):
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(report_html.as_uri())
    m = page.evaluate("""() => ({
        hint: getComputedStyle(document.querySelector('p.scroll-hint')).display,
        widths: [...document.querySelectorAll('figure.chart svg')].map(s =>
            s.getBoundingClientRect().width),
        scroll: document.documentElement.scrollWidth})""")
    assert m["hint"] == "none" and m["scroll"] <= 1280
    assert all(400 <= w <= 450 for w in m["widths"]), m["widths"]  # 4,4 in, not stretched
    page.close()
