"""Print report HTML to A4 PDF with headless Chromium (Debian's `chromium` package),
driven by Playwright. One browser is kept open for many reports (`PdfPrinter`)."""

from __future__ import annotations

import os
import shutil
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from ..core.errors import InputError
from ..core.paths import atomic_output

FOOTER = ("<div style=\"font-size:9px;width:100%;text-align:center;font-family:'Times New "
          "Roman',serif;color:#444\">Trang <span class='pageNumber'></span>/<span "
          "class='totalPages'></span></div>")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run",
                 "--disable-quic"]
CANDIDATES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")


class BrowserMissing(InputError):
    """No Chromium to print with."""


def find_chromium() -> str:
    """Return the path of a Chromium executable (TTHC_CHROMIUM overrides the search)."""
    env = os.environ.get("TTHC_CHROMIUM")
    if env:
        if Path(env).exists():
            return env
        raise BrowserMissing(f"TTHC_CHROMIUM trỏ tới '{env}' nhưng tệp không tồn tại.")
    for name in CANDIDATES:
        found = shutil.which(name)
        if found:
            return found
    raise BrowserMissing(
        "Không tìm thấy trình duyệt Chromium để in PDF. Cài bằng `sudo apt-get install "
        "chromium` (hoặc `make system-deps`), hoặc đặt biến TTHC_CHROMIUM=/đường/dẫn/chromium. "
        "Báo cáo HTML vẫn được tạo; bỏ --pdf nếu chưa cần PDF."
    )


class PdfPrinter:
    """A headless Chromium kept open for many PDFs, printing each in the same tab. The
    browser lives in one dedicated thread, so its event loop never meets the notebook
    runner's."""

    def __init__(self):
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="pdf")
        self._pw = self._browser = self._page = None

    def __enter__(self) -> PdfPrinter:
        executable = find_chromium()
        try:
            import playwright.sync_api  # noqa: F401
        except ImportError:
            raise BrowserMissing("Thiếu gói Python 'playwright' để điều khiển Chromium: chạy "
                                 "`pip install -e .` lại (đã khai báo trong pyproject).") from None
        self._pool.submit(self._start, executable).result()
        return self

    def _start(self, executable: str) -> None:
        from playwright.sync_api import sync_playwright

        self._pw = sync_playwright().start()
        try:
            self._browser = self._pw.chromium.launch(executable_path=executable,
                                                     args=CHROMIUM_ARGS)
        except Exception as exc:
            self._pw.stop()
            raise BrowserMissing(f"Không khởi động được Chromium '{executable}': "
                                 f"{str(exc).splitlines()[0]}") from None

    def _stop(self) -> None:
        if self._page:
            self._page.close()
        if self._browser:
            self._browser.close()
        if self._pw:
            self._pw.stop()

    def __exit__(self, *exc) -> None:
        self._pool.submit(self._stop).result()
        self._pool.shutdown()

    def print(self, html: Path, pdf: Path) -> Path:
        """Print `html` to `pdf` (A4, margins, page numbers, no browser header), atomically."""
        return self._pool.submit(self._print, Path(html), Path(pdf)).result()

    def _print(self, html: Path, pdf: Path) -> Path:
        # one tab for every report: opening a tab cost more than the printing (0,16 s of
        # 0,5 s); each report is a new navigation, so nothing of the last one stays
        try:
            if self._page is None:
                self._page = self._browser.new_page()
                self._page.emulate_media(media="print")
            else:  # nothing a page kept for its site reaches the next report
                self._page.evaluate("() => { try { sessionStorage.clear(); "
                                    "localStorage.clear() } catch (e) {} }")
            self._page.goto(html.resolve().as_uri(), wait_until="load")
            with atomic_output(pdf) as tmp:
                self._page.pdf(path=str(tmp), format="A4", print_background=True,
                               display_header_footer=True, header_template="<span></span>",
                               footer_template=FOOTER, prefer_css_page_size=True,
                               margin={"top": "20mm", "bottom": "18mm", "left": "30mm",
                                       "right": "15mm"})
        except BaseException:
            if self._page is not None:  # a tab left in an unknown state is not reused
                self._page.close()
                self._page = None
            raise
        return pdf


def print_pdf(html: Path, pdf: Path) -> Path:
    """Print one HTML file to PDF (starts and stops a browser)."""
    with PdfPrinter() as printer:
        return printer.print(html, pdf)
