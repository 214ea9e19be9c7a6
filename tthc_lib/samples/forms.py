"""A member unit's report as a provincial one-stop system prints it: form II.06a in XLSX
(a banner with "Đơn vị báo cáo" and "Kỳ báo cáo", a two-row merged header, the row of column
numbers 1 … 13, a row per field and a total row), the shape `tthc rollup` reads through the
`ii06` form profile. Written from figures given (the sample computes them from dossiers)."""

from __future__ import annotations

from pathlib import Path

from ..core import fmt
from ..core.periods import Period
from ..model.registry import FORM_II06_COLUMNS

# The header of the provincial system's II.06a (real-exports.md §4.1): (row, col1, col2, text)
HEADER = (
    (6, 1, 1, "STT"), (6, 2, 2, "Lĩnh vực, công việc giải quyết theo cấp"),
    (6, 3, 6, "Số hồ sơ nhận giải quyết"), (6, 7, 10, "Số hồ sơ đã giải quyết"),
    (6, 11, 13, "Số lượng hồ sơ đang giải quyết"),
    (7, 3, 3, "Tổng số"), (7, 4, 5, "Trong đó"), (7, 6, 6, "Từ kỳ trước"),
    (7, 7, 7, "Tổng số"), (7, 8, 8, "Trước hạn"),
    (7, 9, 9, "Đúng hạn (Bao gồm cả hồ sơ chờ Bổ sung và Trả lại / Xin rút)"),
    (7, 10, 10, "Quá hạn"), (7, 11, 11, "Tổng số"),
    (7, 12, 12, "Trong hạn (Bao gồm cả hồ sơ chờ bổ sung và hồ sơ khác)"),
    (7, 13, 13, "Quá hạn"), (8, 4, 4, "Trực tuyến"), (8, 5, 5, "Trực tiếp, dịch vụ bưu chính"),
)
VERTICAL = ((6, 8, 1), (6, 8, 2), (7, 8, 3), (7, 8, 6), (7, 8, 7), (7, 8, 8), (7, 8, 9),
            (7, 8, 10), (7, 8, 11), (7, 8, 12), (7, 8, 13))


def write_ii06a(path: Path, unit: str, to: str, period: Period,
                rows: list[tuple[str, dict]], total: dict) -> Path:
    """Write form II.06a of `unit` for `period`: a row per (field, values) and the total
    row `total` as given (a sample may plant a total that does not add up)."""
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "BaoCao06a"
    ws["A1"] = unit.upper()
    ws["K1"] = "Biểu số II.06a/VPCP/KSTT"
    ws.merge_cells("A2:M2")
    ws["A2"] = ("TÌNH HÌNH, KẾT QUẢ GIẢI QUYẾT TTHC TẠI CƠ QUAN, ĐƠN VỊ TRỰC TIẾP GIẢI QUYẾT "
                "TTHC")
    ws.merge_cells("A3:M3")
    ws["A3"] = (f"Kỳ báo cáo: {period.label_vi} (Từ ngày {fmt.day(period.start)} đến ngày "
                f"{fmt.day(period.end)})")
    ws["A4"] = f"Đơn vị báo cáo: {unit}"
    ws["H4"] = f"Đơn vị nhận báo cáo: {to}"
    ws["K5"] = "Đơn vị tính: Số hồ sơ TTHC"
    for row, c1, c2, text in HEADER:
        if c2 > c1:
            ws.merge_cells(start_row=row, start_column=c1, end_row=row, end_column=c2)
        ws.cell(row, c1, text)
    for r1, r2, col in VERTICAL:
        ws.merge_cells(start_row=r1, start_column=col, end_row=r2, end_column=col)
    for col in range(1, 14):
        ws.cell(9, col, col)
    r = 10
    for i, (name, values) in enumerate(rows, start=1):
        ws.cell(r, 1, i)
        ws.cell(r, 2, name)
        for j, ind in enumerate(FORM_II06_COLUMNS, start=3):
            ws.cell(r, j, values[ind])
        r += 1
    ws.cell(r, 2, "Tổng cộng")
    for j, ind in enumerate(FORM_II06_COLUMNS, start=3):
        ws.cell(r, j, total[ind])
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    return path
