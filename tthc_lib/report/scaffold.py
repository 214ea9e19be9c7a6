"""Start a new unit without reading the source: a commented params file, and the params
JSON Schema for editors. Both are generated from the same declarations the validator uses
(the spec's keys, the sections, the registry), so they cannot drift from it."""

from __future__ import annotations

import json
from pathlib import Path

from ..core.periods import parse_period
from ..model.registry import REGISTRY
from ..model.sections import FREE_TEXT_KEYS, SECTIONS
from ..rules.policy import builtin_policies
from ..rules.profiles import builtin_profiles
from .spec import STYLE_KEYS, UNIT_KINDS

UNIT_HELP = {
    "slug": "tên thư mục kết quả (chữ thường, không dấu)",
    "name": "cơ quan báo cáo, như trên quốc hiệu (ví dụ UBND tỉnh …)",
    "short_name": "tên dùng trong câu (ví dụ tỉnh …)",
    "kind": "province (tỉnh) hoặc department (sở, ngành: hai cách tính mục I.6)",
    "scope": "cách gọi toàn đơn vị ở mục I.6 (ví dụ toàn tỉnh)",
    "title_scope": "phần cuối tên báo cáo (ví dụ trên địa bàn tỉnh …)",
    "place": "địa danh trước ngày tháng",
    "signer": "khối chữ ký (ví dụ KT. CHỦ TỊCH / PHÓ CHỦ TỊCH)",
    "signer_name": "họ tên người ký",
    "groups_label": "sở, ngành: tên các nhóm TTHC liên thông do đơn vị quản lý",
    "agencies": "xã, phường: [tên cơ quan giải quyết] — chỉ lấy hồ sơ của các cơ quan này "
                "trong tệp dùng chung của tỉnh",
}


def _figure_line(fid: str) -> str:
    ind = REGISTRY[fid]
    unit = "%" if ind.unit == "%" else ind.unit
    return f"  # {fid}:{' ' * max(1, 30 - len(fid))}# {ind.label_vi} ({ind.form}; {unit})"


def new_params(unit: str, period: str, data: str, name: str | None = None,
               short_name: str | None = None) -> str:
    """Return the text of a params file for a unit and period: the required keys filled
    from the arguments, every other key and every figure of every section as a commented
    line with its Vietnamese label and form. Nothing is invented."""
    p = parse_period(period)
    lines = [f"# Báo cáo {p.label_vi} của {name or unit} — tạo bằng `tthc params new`.",
             "# Bỏ dấu # ở dòng cần dùng và điền số liệu. Số có dấu chấm ngăn cách hàng nghìn "
             'phải đặt trong ngoặc kép ("1.842") hoặc viết liền (1842).',
             "unit:", f"  slug: {unit}", f"  name: {json.dumps(name or unit, ensure_ascii=False)}"
             f"{' ' * 4}# {UNIT_HELP['name']}",
             f"  short_name: {json.dumps(short_name or name or unit, ensure_ascii=False)}"
             f"{' ' * 4}# {UNIT_HELP['short_name']}"]
    lines += [f"  # {k}:{' ' * max(1, 14 - len(k))}# {UNIT_HELP[k]}" for k in UNIT_HELP
              if k not in ("slug", "name", "short_name")]
    lines += [f"period: {p.code}", f"data: {json.dumps(str(data), ensure_ascii=False)}",
              "# sheet:                      # trang tính (XLSX)",
              f"# profile:                    # hồ sơ nguồn: {', '.join(builtin_profiles())} "
              "hoặc tệp YAML (mặc định: nhận ra từ tiêu đề cột)",
              "# catalog:                    # danh mục cơ quan → cấp, thủ tục → lĩnh vực",
              f"# policy: tt01                # chính sách đếm: {', '.join(builtin_policies())}",
              "# interconnected_window: {start: 2023-07-10, end: 2023-08-31}",
              "# previous: {data: tệp hồ sơ kỳ trước, period: 2023-Q2}",
              "# report_date: 2023-09-20      # ngày của văn bản (mặc định: ngày lập)",
              "# number: 125/BC-UBND          # số văn bản (để trống: dòng Số: điền tay)",
              "# style: {pad_small_numbers: true, annex: true}",
              "figures:"]
    seen = set()
    for s in SECTIONS:
        ids = [f for f in s.figures if f in REGISTRY and f not in seen]
        if not ids:
            continue
        lines.append(f"  # --- {s.title}")
        lines += [_figure_line(f) for f in ids]
        seen.update(ids)
    rest = [i.id for i in REGISTRY.values() if i.source == "figure" and i.id not in seen]
    if rest:
        lines.append("  # --- Các số liệu khác (tỷ lệ đã công bố, …)")
        lines += [_figure_line(f) for f in rest]
    checks = [i.id for i in REGISTRY.values() if i.source == "data" and i.kind == "count"
              and i.column]
    lines.append("  # --- Số liệu đã công bố, để đối chiếu với dữ liệu hồ sơ")
    lines += [_figure_line(f) for f in checks]
    lines.append("text:")
    for s in SECTIONS:
        for k in s.text_keys:
            lines.append(f"  # {k}: |{' ' * max(1, 24 - len(k))}# {s.title}")
    for k in FREE_TEXT_KEYS:
        lines.append(f"  # {k}: |")
    return "\n".join(lines) + "\n"


def write_params(unit: str, period: str, data: str, out: Path | None = None,
                 name: str | None = None, short_name: str | None = None) -> Path:
    """Write the new params file (params/<unit>/<period>.yaml unless `out`); never
    overwrite one that exists."""
    from ..core.errors import InputError
    from ..core.paths import workspace

    path = out or workspace() / "params" / unit / f"{parse_period(period).code}.yaml"
    if path.exists():
        raise InputError("params_exists", path=path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(new_params(unit, period, data, name, short_name), encoding="utf-8")
    return path


def index766_keys() -> set[str]:
    from ..analysis.index766 import method

    return method().keys("index766")


def json_schema() -> dict:
    """Return the JSON Schema of a params file (for editors' completion)."""
    def figure(fid: str) -> dict:
        ind = REGISTRY[fid]
        desc = f"{ind.label_vi} ({ind.form})"
        if ind.unit == "%":
            return {"description": desc, "type": ["number", "string"]}
        return {"description": desc, "anyOf": [
            {"type": "integer", "minimum": 0},
            {"type": "string", "pattern": r"^\d{1,3}([. ]\d{3})*$|^\d+$"}]}

    text_keys = sorted({k for s in SECTIONS for k in s.text_keys} | set(FREE_TEXT_KEYS))
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "tthc-report params",
        "type": "object",
        "additionalProperties": False,
        "required": ["unit", "period"],
        "anyOf": [{"required": ["data"]}, {"required": ["members"]}],
        "properties": {
            "unit": {"type": "object", "additionalProperties": False,
                     "required": ["slug", "name", "short_name"],
                     "properties": {k: ({"enum": list(UNIT_KINDS)} if k == "kind" else
                                        {"type": "array", "minItems": 1,
                                         "items": {"type": "string", "minLength": 1}}
                                        if k == "agencies" else {"type": "string"})
                                    | {"description": v} for k, v in UNIT_HELP.items()}},
            "period": {"type": ["string", "integer"],
                       "description": "2023-Q3, Quý III/2023, 2023-H1, 6 tháng đầu năm 2023, "
                                      "2023, năm 2023 hoặc 2023-07-01..2023-09-30"},
            "data": {"description": "tệp hồ sơ: CSV, XLSX hoặc Parquet; hoặc danh sách các tệp "
                                    "của nhiều hệ thống (mỗi hồ sơ tính một lần, theo bản ghi "
                                    "mới nhất)",
                     "anyOf": [{"type": "string"}, {"type": "array", "minItems": 1, "items": {
                         "anyOf": [{"type": "string"}, {
                             "type": "object", "required": ["path"],
                             "additionalProperties": False,
                             "properties": {k: {"type": "string"} for k in
                                            ("path", "profile", "catalog", "sheet")}}]}}]},
            "sheet": {"type": "string"},
            "report_date": {"type": "string", "format": "date",
                            "description": "ngày của văn bản (mặc định: ngày lập)"},
            "number": {"type": ["string", "integer"], "description": "số văn bản, ví dụ "
                                                                   "125/BC-UBND"},
            "profile": {"type": "string", "examples": list(builtin_profiles())},
            "catalog": {"type": "string"},
            "policy": {"type": "string", "examples": list(builtin_policies())},
            "figures": {"type": "object", "additionalProperties": False,
                        "properties": {fid: figure(fid) for fid in REGISTRY}},
            "portal": {"type": "string", "description": "danh sách hồ sơ xuất từ Cổng DVCQG, "
                       "để đối chiếu (tthc reconcile)"},
            "predecessors": {"type": "array", "minItems": 1,
                             "description": "đơn vị trước sáp nhập: so sánh với các kỳ trước "
                                            "ngày 'until' là tổng số liệu của các đơn vị này",
                             "items": {"type": "object", "required": ["slug", "until"],
                                       "additionalProperties": False,
                                       "properties": {"slug": {"type": "string"},
                                                      "until": {"type": "string",
                                                                "format": "date"}}}},
            "members": {"type": "array", "minItems": 1,
                        "description": "đơn vị thành viên mà báo cáo này tổng hợp (tthc rollup)",
                        "items": {"type": "object", "required": ["slug", "name"],
                                  "additionalProperties": False,
                                  "properties": {
                                      "slug": {"type": "string", "description": "thư mục kết "
                                               "quả của đơn vị: outputs/<slug>/<kỳ>/"},
                                      "name": {"type": "string"},
                                      "level": {"enum": ["tinh", "huyen", "xa"]},
                                      "file": {"type": "string", "description": "tệp đơn vị "
                                               "đã gửi: results.json, forms.xlsx, biểu II.06a "
                                               "XLSX, bảng thống kê CSV của OpenCPS"},
                                      "profile": {"type": "string",
                                                  "examples": ["ii06", "opencps-thong-ke"]},
                                      "agencies": {"type": "array", "items": {
                                          "type": "string"}}}}},
            "inbox": {"type": "string", "description": "thư mục chứa các tệp báo cáo các đơn "
                      "vị thành viên đã gửi"},
            "index766": {"type": "object", "additionalProperties": False,
                         "description": "số đếm cho Bộ chỉ số 766 (tthc_lib/rules/index766.yaml)",
                         "properties": {k: {"anyOf": [
                             {"type": "integer", "minimum": 0},
                             {"type": "string", "pattern": r"^\d{1,3}([. ]\d{3})*$|^\d+$"}]}
                             for k in sorted(index766_keys())}},
            "text": {"type": "object", "additionalProperties": False,
                     "properties": {k: {"type": "string"} for k in text_keys}},
            "interconnected_window": {"type": "object", "required": ["start", "end"],
                                      "additionalProperties": False,
                                      "properties": {"start": {"type": "string"},
                                                     "end": {"type": "string"}}},
            "previous": {"type": "object", "required": ["data", "period"],
                         "additionalProperties": False,
                         "properties": {"data": {"type": "string"},
                                        "period": {"type": "string"},
                                        "sheet": {"type": "string"}}},
            "style": {"type": "object", "additionalProperties": False,
                      "properties": {k: {"type": "boolean"} for k in STYLE_KEYS}},
        },
    }
