"""The Excel forms (biểu mẫu) of Circular 01/2020/TT-VPCP, written from `Results`, and
their machine-readable twin cells.csv (one line per figure: form, row, column, indicator id,
value, and the sheet and cell it is in), for keying or uploading into the national reporting
system. Both are written from the same cells, so they always agree.

One sheet per form. Form II.06 has the 13 numbered columns; the columns and rows come from
the registry (`FORM_II06_COLUMNS`) and `narrative.ii06_rows`, the same as the HTML table.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter

from ..core import fmt
from ..core.paths import atomic_output
from ..core.text import text_cell
from ..model.results import Results
from .narrative import ii06_rows
from .spec import Unit

THIN = Side(style="thin", color="555555")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
BOLD = Font(name="Times New Roman", bold=True, size=11)
NORMAL = Font(name="Times New Roman", size=11)
ITALIC = Font(name="Times New Roman", italic=True, size=10)
HEAD_FILL = PatternFill("solid", fgColor="EEF1F4")
CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)
II06_FIRST_DATA_ROW = 10  # rows 1–5 title block, 6–8 header, 9 column numbers

# (row, first col, last col, text) of the II.06 header; rows 6–8, columns A–M
II06_HEADER = (
    (6, 1, 1, "STT"), (6, 2, 2, "Đơn vị / Lĩnh vực"), (6, 3, 6, "Số hồ sơ nhận giải quyết"),
    (6, 7, 10, "Kết quả giải quyết"), (6, 11, 13, "Số hồ sơ đang giải quyết"),
    (7, 3, 3, "Tổng số"), (7, 4, 5, "Trong kỳ"), (7, 6, 6, "Từ kỳ trước"),
    (7, 7, 7, "Tổng số"), (7, 8, 8, "Trước hạn"), (7, 9, 9, "Đúng hạn"), (7, 10, 10, "Quá hạn"),
    (7, 11, 11, "Tổng số"), (7, 12, 12, "Trong hạn"), (7, 13, 13, "Quá hạn"),
    (8, 4, 4, "Trực tuyến"), (8, 5, 5, "Trực tiếp, bưu chính"),
)
II06_VERTICAL_MERGES = ((6, 8, 1), (6, 8, 2), (7, 8, 3), (7, 8, 6), (7, 8, 7), (7, 8, 8),
                        (7, 8, 9), (7, 8, 10), (7, 8, 11), (7, 8, 12), (7, 8, 13))


RIGHT = Alignment(horizontal="right")
TITLE = Font(name="Times New Roman", bold=True, size=13)


def _title_block(ws, form: str, title: str, unit: Unit, results: Results, width: int) -> None:
    p = results.period
    last = get_column_letter(width)
    period = f"Kỳ báo cáo: {p.label_vi} (từ ngày {fmt.day(p.start)} đến ngày {fmt.day(p.end)})"
    lines = (  # (cell, merged up to the last column?, text, font, alignment)
        ("A1", False, f"Biểu số {form}", BOLD, None),
        ("H1", True, "Ban hành kèm theo Thông tư số 01/2020/TT-VPCP ngày 21/10/2020", ITALIC,
         RIGHT),
        ("A2", True, title, TITLE, CENTER),
        ("A3", True, period, ITALIC, CENTER),
        ("A4", False, f"Đơn vị báo cáo: {unit.name}", NORMAL, None),
        ("H4", True, "Đơn vị nhận báo cáo: Văn phòng Chính phủ", NORMAL, RIGHT),
        ("H5", True, "Đơn vị tính: Số hồ sơ TTHC", ITALIC, RIGHT),
    )
    for ref, merged, text, font, align in lines:
        if merged:
            ws.merge_cells(f"{ref}:{last}{ref[1:]}")
        ws[ref] = text
        ws[ref].font = font
        if align is not None:
            ws[ref].alignment = align


CELL_FIELDS = ("form", "sheet", "cell", "row", "row_name", "column", "indicator", "value")


def _cell_line(ws, r: int, c: int, form: str, row: str, row_name: str, indicator: str,
               value) -> dict:
    """One line of cells.csv: where a figure is in forms.xlsx and what it is."""
    return {"form": form, "sheet": ws.title, "cell": f"{get_column_letter(c)}{r}", "row": row,
            "row_name": row_name, "column": f"({c})", "indicator": indicator,
            "value": "" if value is None else value}


def sheet_ii06(wb: Workbook, results: Results, unit: Unit, name: str = "II.06",
               notes: dict[str, str] | None = None, cells: list | None = None,
               absent: str = "") -> None:
    """Add sheet II.06: results of handling dossiers, by level and field. `notes` are the
    status policy's header notes ("Đúng hạn (bao gồm cả hồ sơ … trả lại / xin rút)");
    each figure written is added to `cells`."""
    from ..model.registry import FORM_II06_COLUMNS

    notes = notes or {}
    cells = [] if cells is None else cells
    form = "II.06c/VPCP/KSTT"
    renamed = {9: notes.get("resolved_on_time"), 12: notes.get("pending_in_time")}
    ws = wb.create_sheet(name)
    _title_block(ws, form, "KẾT QUẢ GIẢI QUYẾT THỦ TỤC HÀNH CHÍNH", unit, results, 13)
    for row, c1, c2, text in II06_HEADER:
        if c2 > c1:
            ws.merge_cells(start_row=row, start_column=c1, end_row=row, end_column=c2)
        ws.cell(row, c1, (renamed.get(c1) if row == 7 else None) or text)
    for r1, r2, col in II06_VERTICAL_MERGES:
        ws.merge_cells(start_row=r1, start_column=col, end_row=r2, end_column=col)
    for col in range(1, 14):
        ws.cell(9, col, f"({col})")
        for row in range(6, 10):
            cell = ws.cell(row, col)
            cell.font, cell.alignment, cell.border, cell.fill = BOLD, CENTER, BOX, HEAD_FILL
        ws.cell(9, col).font = ITALIC
    r = II06_FIRST_DATA_ROW
    rows = ii06_rows(results)
    group = ""
    for row in rows:
        ws.cell(r, 1, row["stt"])
        text_cell(ws, r, 2, row["name"])
        group = row["stt"] if row["kind"] == "level" else group
        key = {"level": row["stt"], "total": "Tổng"}.get(row["kind"], f"{group}.{row['stt']}")
        for j, value in enumerate(row["cells"], start=3):
            ws.cell(r, j, value).number_format = "#,##0"
            cells.append(_cell_line(ws, r, j, form, key, row["name"],
                                    FORM_II06_COLUMNS[j - 3], value))
        bold = row["kind"] in ("level", "total")
        for col in range(1, 14):
            cell = ws.cell(r, col)
            cell.border = BOX
            cell.font = BOLD if bold else NORMAL
            if col == 1:
                cell.alignment = Alignment(horizontal="center")
        r += 1
    blank = [f"({i})" for i, v in enumerate(rows[-1]["cells"], start=3) if v is None]
    if blank:  # absent, not zero: say why the cells are empty
        ws.cell(r + 1, 2, f"Cột {', '.join(blank)}: không có dữ liệu: {absent or ABSENT}."
                ).font = ITALIC
    ws.column_dimensions["A"].width = 6
    ws.column_dimensions["B"].width = 38
    for col in range(3, 14):
        ws.column_dimensions[get_column_letter(col)].width = 11
    ws.freeze_panes = f"C{II06_FIRST_DATA_ROW}"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.sheet_properties.pageSetUpPr.fitToPage = True


FIGURE_FORMS = {  # sheet -> (form number, title)
    "II.01b": ("II.01b/VPCP/KSTT", "KẾT QUẢ ĐÁNH GIÁ TÁC ĐỘNG TTHC QUY ĐỊNH TẠI DỰ THẢO VĂN BẢN "
               "QPPL"),
    "II.02c": ("II.02c/VPCP/KSTT", "KẾT QUẢ THẨM ĐỊNH, THẨM TRA TTHC QUY ĐỊNH TẠI DỰ THẢO VĂN "
               "BẢN QPPL"),
    "III.03b": ("III.03b/VPCP/KSTT", "KẾT QUẢ CÔNG BỐ, CÔNG KHAI TTHC"),
    "II.04b": ("II.04b/VPCP/KSTT", "KẾT QUẢ RÀ SOÁT, ĐƠN GIẢN HÓA TTHC"),
    "II.05b": ("II.05b/VPCP/KSTT", "KẾT QUẢ TIẾP NHẬN, XỬ LÝ PHẢN ÁNH, KIẾN NGHỊ VỀ QUY ĐỊNH "
               "HÀNH CHÍNH"),
    "II.07b": ("II.07b/VPCP/KSTT", "SỐ LƯỢNG TTHC THỰC HIỆN THEO CƠ CHẾ MỘT CỬA, MỘT CỬA LIÊN "
               "THÔNG"),
    "II.08": ("II.08/VPCP/KSTT", "TÌNH HÌNH, KẾT QUẢ THỰC HIỆN TTHC TRÊN MÔI TRƯỜNG ĐIỆN TỬ"),
}


ABSENT = "tệp hồ sơ không có cột tương ứng"


def sheet_figures(wb: Workbook, sheet: str, rows: list[tuple], unit: Unit,
                  results: Results, cells: list | None = None) -> None:
    """Add a sheet listing a form's indicators: STT, indicator, value, unit of count (rows:
    indicator id, label, unit, value and an optional note); each figure is added to
    `cells`."""
    cells = [] if cells is None else cells
    form, title = FIGURE_FORMS[sheet]
    ws = wb.create_sheet(sheet)
    _title_block(ws, form, title, unit, results, 8)
    ws["H5"] = None
    notes = any(len(r) > 4 and r[4] for r in rows)
    heads = ("STT", "Chỉ tiêu", "Số liệu", "Đơn vị tính") + (("Ghi chú",) if notes else ())
    for col, text in enumerate(heads, start=1):
        cell = ws.cell(7, col, text)
        cell.font, cell.alignment, cell.border, cell.fill = BOLD, CENTER, BOX, HEAD_FILL
    for i, (ind, label, unit_of, value, *note) in enumerate(rows, start=1):
        r = 7 + i
        ws.cell(r, 1, i).alignment = Alignment(horizontal="center")
        text_cell(ws, r, 2, label)
        value = round(value, 1) if isinstance(value, float) else value
        cell = ws.cell(r, 3, value)
        cells.append(_cell_line(ws, r, 3, form, str(i), label, ind, value))
        cell.number_format = "0.0" if isinstance(value, float) else "#,##0"
        ws.cell(r, 4, unit_of)
        if notes:
            ws.cell(r, 5, note[0] if note else None)
        for col in range(1, len(heads) + 1):
            ws.cell(r, col).border = BOX
            ws.cell(r, col).font = NORMAL
    ws.column_dimensions["A"].width = 6
    ws.column_dimensions["B"].width = 70
    ws.column_dimensions["C"].width = 14
    ws.column_dimensions["D"].width = 14
    ws.column_dimensions["E"].width = 40


def write_forms(report, path: Path, cells_path: Path | None = None) -> Path:
    """Write forms.xlsx atomically: sheet II.06 (and, for a department, II.06 of its own
    fields), then one sheet per other form the report has figures for; with `cells_path`,
    also cells.csv, every figure of forms.xlsx as a line. Return the XLSX's path."""
    from ..model.registry import INDICATORS

    unit, results = report.spec.unit, report.results
    wb = Workbook()
    wb.remove(wb.active)
    notes = report.run.policy.header_notes if report.run else {}
    cells: list[dict] = []
    sheet_ii06(wb, results, unit, notes=notes, cells=cells, absent=report.absent_why)
    if report.own is not None:
        sheet_ii06(wb, report.own, unit, "II.06 (lĩnh vực của đơn vị)", notes=notes,
                   cells=cells, absent=report.absent_why)
    by_form: dict[str, list] = {}
    for ind in INDICATORS:
        sheet = ind.form.split("/")[0]
        if sheet not in FIGURE_FORMS:
            continue
        if ind.source == "figure" and report.figures.get(ind.id) is not None:
            by_form.setdefault(sheet, []).append((ind.id, ind.label_vi, ind.unit,
                                                  report.figures[ind.id]))
        elif ind.source == "data" and sheet == "II.08":
            value = results.indicators.get(ind.id)
            note = None if value is not None else f"không có dữ liệu: {report.absent_why}"
            by_form.setdefault(sheet, []).append((ind.id, f"{ind.label_vi} (tính từ dữ liệu hồ "
                                                  "sơ)", ind.unit, value, note))
    for sheet in FIGURE_FORMS:
        if sheet in by_form:
            sheet_figures(wb, sheet, by_form[sheet], unit, results, cells)
    stamp = report.generated_at
    wb.properties.created = wb.properties.modified = stamp.replace(microsecond=0)
    wb.properties.creator = "tthc-report"
    with atomic_output(path) as tmp:
        wb.save(tmp)
    if cells_path is not None:
        write_cells(cells, cells_path)
    return Path(path)


def write_cells(cells: list[dict], path: Path) -> Path:
    """Write cells.csv atomically (UTF-8 with BOM, so that Excel opens it as Vietnamese
    text): a header, then one line per figure of forms.xlsx; an absent figure is an empty
    value, never 0; a name from the input starting with = + - @ is prefixed with ' so that no
    spreadsheet reads it as a formula."""
    out = io.StringIO()
    writer = csv.DictWriter(out, CELL_FIELDS, lineterminator="\n")
    writer.writeheader()
    for c in cells:
        name = c["row_name"]
        writer.writerow(c | {"row_name": "'" + name if name[:1] in "=+-@" else name})
    with atomic_output(path) as tmp:
        Path(tmp).write_text(out.getvalue(), encoding="utf-8-sig")
    return Path(path)
