"""The one engine (DuckDB, imported by this package alone).

    file ──io──▶ text cells ──canonical plan (profile, vocabulary, catalogue)──▶ dossiers
         ──validate──▶ refusals (row, column, code)   ──classify (policy, period)──▶ classified
         ──run──▶ cube ──registry──▶ Results

`tthc compute`, `tthc inspect`, the report and the reconciliation all go through
`open_dataset` and `run`; there is no second implementation of any rule.

- `sql`: SQL text helpers and date parsing;  `canonical`: the canonical plan;
- `validate`: violations and duplicate codes;  `dataset`: the table, once, and its cache;
- `classify`: the counting rules as SQL;  `run`: a period counted under a policy;
- `inspect`: how a file will be read;  `load`, `frame`: pandas views for notebooks and tests.
"""

from .canonical import DATE_COLS, FIELD_FROM, FLAG_COLS, LEVEL_FROM
from .classify import classify_sql
from .dataset import Dataset, open_dataset, read_cells
from .run import DATA_ERRORS, EXCLUSIONS, SOURCES, Run, data_errors, run, window_count

__all__ = ["DATA_ERRORS", "DATE_COLS", "EXCLUSIONS", "FIELD_FROM", "FLAG_COLS", "LEVEL_FROM",
           "SOURCES", "Dataset", "Run", "classify_sql", "data_errors", "open_dataset",
           "read_cells", "run", "window_count"]
