"""Questions an analyst asks of one unit's period, one call each, as pandas DataFrames with
Vietnamese column labels (for JupyterLab; `notebooks/explore.py` shows them).

Every answer comes from the same engine, policy and classification as the report, and
shows dossier codes, procedures and dates only — never an applicant's personal data.
"""

from __future__ import annotations

from pathlib import Path

from .core.text import display
from .engine.measures import count_sql, indicator_sql, ratio_sql, where_sql

LABELS = {
    "ma_ho_so": "Mã hồ sơ", "ma_tthc": "Mã TTHC", "ten_tthc": "Tên thủ tục",
    "linh_vuc": "Lĩnh vực", "co_quan": "Cơ quan", "cap": "Cấp", "recv": "Ngày tiếp nhận",
    "due": "Ngày hẹn trả", "res": "Ngày có kết quả", "days_late": "Số ngày trễ hẹn",
    "days_overdue": "Số ngày quá hạn (đến cuối kỳ)", "week": "Tuần (từ thứ Hai)",
    "resolved": "Đã giải quyết", "on_time": "Đúng hạn (gồm trước hạn)",
    "late": "Quá hạn", "on_time_rate": "Tỷ lệ đúng hạn (%)", "late_rate": "Tỷ lệ quá hạn (%)",
    "pending_overdue": "Đang giải quyết quá hạn",
}
_NAMES = ("ten_tthc", "linh_vuc", "co_quan")
_DOSSIER = "ma_ho_so, ma_tthc, ten_tthc, linh_vuc, co_quan, cap, recv, due"


def latest_params() -> str:
    """Return the workspace's params file of the latest period (then by name), for a
    notebook opened without one; raise InputError with the note listing them when there is
    none."""
    from .core.errors import InputError
    from .core.paths import params_files, workspace
    from .core.periods import parse_period
    from .nbparams import no_params_note
    from .report.spec import read_params

    dated = []
    for name in params_files():
        try:
            end = parse_period(read_params(workspace() / name).get("period")).end
        except Exception:  # noqa: BLE001 — a broken file is simply not the default
            continue
        dated.append((end, name))
    if not dated:
        raise InputError("no_params", listing=no_params_note())
    return min(dated, key=lambda d: (-d[0].toordinal(), d[1]))[1]


class Explore:
    """One unit and period, read as `tthc report` reads it (params file, policy, profile,
    catalogue), ready for questions."""

    def __init__(self, params_path: str | Path, workspace: str | Path | None = None):
        import os

        from .core.paths import user_path
        from .engine.frame import classify
        from .engine.load import table_of
        from .report.build import open_spec_data
        from .report.spec import load_spec
        from .rules.policy import load_policy

        if workspace:  # a notebook runs in its own folder: work from the workspace
            os.chdir(workspace)
        if not str(params_path or "").strip():
            params_path = latest_params()
            print(f"Khám phá {params_path} (kỳ gần nhất của thư mục làm việc; đặt params_path "
                  "để chọn tệp khác).")
        self.spec = spec = load_spec(user_path(params_path))
        table = table_of(open_spec_data(spec))  # the report's data, one export or several
        self.classified = classify(table, spec.period, spec.report_date,
                                   policy=load_policy(spec.policy))
        self.results = self.classified.run.results
        self._con = table.dataset.con
        self._end = spec.period.end.isoformat()

    def _frame(self, sql: str):
        counted = f"(SELECT * FROM ({self.classified.run_sql()}) WHERE reason = '') d"
        df = self._con.execute(sql.replace("{counted}", counted)).df()
        for col in _NAMES:
            if col in df:
                shown = {v: display(v) if isinstance(v, str) else v for v in df[col].unique()}
                df[col] = df[col].map(shown)
        if "cap" in df:
            from .core.schema import LEVEL_LABELS

            df["cap"] = df["cap"].map(lambda v: LEVEL_LABELS.get(v, v))
        return df.rename(columns=LABELS)

    @staticmethod
    def _where(agency: str | None, field: str | None) -> str:
        from .io.read import lit

        parts = []
        if agency is not None:
            parts.append(f"co_quan = {lit(agency)}")
        if field is not None:
            parts.append(f"linh_vuc = {lit(field)}")
        return "".join(f" AND {p}" for p in parts)

    def late_dossiers(self, agency: str | None = None, field: str | None = None):
        """The dossiers resolved late in the period (optionally of one agency and/or field),
        latest first by how many days late."""
        return self._frame(
            f"SELECT {_DOSSIER}, res, date_diff('day', CAST(due AS DATE), CAST(res AS DATE)) "
            f"AS days_late FROM {{counted}} WHERE {where_sql('resolved_late')}"
            f"{self._where(agency, field)} ORDER BY days_late DESC, ma_ho_so")

    def late_by(self, by: str = "co_quan"):
        """Late dossiers per agency (`by="co_quan"`), field (`"linh_vuc"`) or both
        (`"co_quan, linh_vuc"`): late, resolved and the late rate, most late first."""
        keys = [k.strip() for k in by.split(",")]
        if not set(keys) <= {"co_quan", "linh_vuc", "cap"}:
            raise ValueError("by: co_quan, linh_vuc hoặc cap (có thể nhiều, cách nhau dấu phẩy)")
        cols = ", ".join(keys)
        return self._frame(
            f"SELECT {cols}, {count_sql('resolved_late')} AS late, "
            f"{count_sql('resolved_total')} AS resolved, "
            f"round({ratio_sql('resolved_late', 'resolved_total')}, 1) AS late_rate "
            f"FROM {{counted}} GROUP BY {cols} HAVING late > 0 ORDER BY late DESC, {cols}")

    def pending_overdue(self, agency: str | None = None, field: str | None = None):
        """Dossiers still pending past their due date at the end of the period, and by how
        many days, most overdue first."""
        return self._frame(
            f"SELECT {_DOSSIER}, date_diff('day', CAST(due AS DATE), DATE '{self._end}') AS "
            f"days_overdue FROM {{counted}} WHERE {where_sql('pending_overdue')}"
            f"{self._where(agency, field)} ORDER BY days_overdue DESC, ma_ho_so")

    def on_time_by_week(self, field: str | None = None, agency: str | None = None):
        """Dossiers resolved each week (by the week of their result) and the on-time rate,
        for one field and/or agency or the whole unit."""
        return self._frame(
            "SELECT CAST(date_trunc('week', res) AS DATE) AS week, "
            f"{count_sql('resolved_total')} AS resolved, {count_sql('resolved_not_late')} "
            f"AS on_time, round({indicator_sql('on_time_rate')}, 1) AS on_time_rate "
            f"FROM {{counted}} WHERE {where_sql('resolved_total')}"
            f"{self._where(agency, field)} GROUP BY week ORDER BY week")

    def compare_agencies(self, first: str, second: str):
        """Every count and rate of two agencies side by side (indicator labels as rows)."""
        import pandas as pd

        from .model.registry import REGISTRY

        by = self.results.by_agency
        missing = [a for a in (first, second) if a not in by]
        if missing:
            raise KeyError(f"Không có cơ quan {', '.join(map(repr, missing))}; có: "
                           + ", ".join(sorted(by)[:20]))
        ids = [i for i in by[first] if i in REGISTRY]
        return pd.DataFrame({"Chỉ tiêu": [REGISTRY[i].label_vi for i in ids],
                             first: pd.Series([by[first][i] for i in ids], dtype=object),
                             second: pd.Series([by[second][i] for i in ids], dtype=object)}
                            ).set_index("Chỉ tiêu")

    def agencies(self) -> list[str]:
        """The agencies of the period, as the report names them."""
        return sorted(self.results.by_agency)

    def fields(self) -> list[str]:
        """The fields of the period, as the report names them."""
        return sorted(self.results.by_field)
