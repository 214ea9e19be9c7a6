"""Classify a loaded table for a period under a status policy (for notebooks and tests).

The counting rules are SQL in `engine.classify_sql`; this module only hands back the
engine's answer as a pandas table and the Run it belongs to.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from ..core.periods import Period
from ..model.dims import (  # noqa: F401  (re-exported)
    ATTRIBUTES,
    CHANNEL_GROUP,
    DIGITISED,
    GROUP,
    INTAKE,
    OUTCOME,
    OUTCOMES,
    PAID_ONLINE,
    POSTAL,
    SERVICE,
    WEEK,
)
from ..rules.policy import Policy, load_policy
from .classify import classify_sql  # noqa: F401
from .load import DossierTable, canonical_frame
from .run import DATA_ERRORS, EXCLUSIONS, Run, data_errors, run  # noqa: F401


@dataclass
class ClassifiedTable:
    """The dossiers counted in a period, with the engine's classification, and the Run."""

    table: DossierTable
    period: Period
    run: Run
    today: date

    @property
    def excluded(self) -> dict[str, int]:
        return self.run.excluded

    @property
    def excluded_rows(self) -> dict[str, list[int]]:
        return self.run.excluded_rows

    def run_sql(self) -> str:
        """Return the engine's classification SQL for this table's period and policy."""
        return classify_sql(self.run.policy, self.period, self.today)

    @property
    def df(self):
        """The counted dossiers with intake, outcome and channel group (pandas)."""
        return canonical_frame(self.table.dataset.frame(
            f"SELECT * FROM ({self.run_sql()}) WHERE reason = '' ORDER BY _row"))


def classify(table: DossierTable, period: Period, today: date | None = None,
             policy: Policy | None = None) -> ClassifiedTable:
    """Return the dossiers of `table` counted in `period` under `policy` (default tt01)."""
    today = today or date.today()
    policy = policy or load_policy(None)
    return ClassifiedTable(table, period, run(table.dataset, policy, period, today), today)
