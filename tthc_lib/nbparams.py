"""The report notebook's parameters, checked as papermill passes them.

papermill injects `-p name value` (or the keys of `-f file.yaml`) as assignments after the
parameters cell, and only warns about a name the notebook does not use. A wrong name would
then silently leave a default in force; here it is refused, as is a missing params file.
"""

from __future__ import annotations

import difflib
import types

from .core.errors import InputError, messages

PARAMETERS = {
    "params_path": "tệp tham số YAML của đơn vị và kỳ, ví dụ params/bac-giang/2023-Q3.yaml",
    "strict": "true: kiểm tra số liệu không đạt là lỗi",
    "stage_dir": "thư mục ghi forms.xlsx và results.json (tthc report tự đặt)",
    "outputs_dir": "thư mục báo cáo các kỳ trước, để so sánh xu hướng (mặc định: outputs/)",
}
_KERNEL = {"In", "Out", "get_ipython", "exit", "quit"}


def check_parameters(namespace: dict, before: set[str]) -> None:
    """Refuse names injected into the notebook that are not its parameters (a misspelt
    `-p`, or `-f` given a unit's params file), and an empty `params_path`."""
    unknown = sorted(k for k, v in namespace.items() if k not in before
                     and not k.startswith("_") and k not in PARAMETERS and k not in _KERNEL
                     and not isinstance(v, types.ModuleType | types.FunctionType | type))
    if unknown:
        hints = []
        for name in unknown:
            close = difflib.get_close_matches(name, PARAMETERS, n=1)
            hints.append(f"'{name}'" + (f" (có phải là '{close[0]}'?)" if close else ""))
        unit_file = {"unit", "period", "data"} & set(unknown)
        raise InputError("notebook_parameters", names=", ".join(hints),
                         known="; ".join(f"{k} — {v}" for k, v in PARAMETERS.items()),
                         hint=messages()["notebook_parameters_unit"] if unit_file else "")
    if not str(namespace.get("params_path") or "").strip():
        raise InputError("no_params", listing=no_params_note())


def no_params_note(limit: int = 12) -> str:
    """Return the note shown when a notebook has no params file: how to give one, and the
    params files of the workspace to choose from."""
    from .core.paths import find_workspace, params_files

    ws = find_workspace()
    found = params_files(ws) if ws else []
    if found:
        lines = [messages()["no_params_files"].format(workspace=ws)]
        lines += [f"  - {name}" for name in found[:limit]]
        if len(found) > limit:
            lines.append(messages()["no_params_more"].format(count=len(found) - limit))
    else:
        lines = [messages()["no_params_none"].format(workspace=ws) if ws
                 else messages()["no_params_outside"]]
    return "\n".join(lines)
