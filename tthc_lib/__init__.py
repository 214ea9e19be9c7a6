"""tthc-report: the administrative-procedure control report (Circular 01/2020/TT-VPCP) computed
from a period's dossier export.

The package is layered; each subpackage imports only the ones before it in this list (a test,
tests/test_layers.py, walks the imports and fails on an upward one):

core → model → rules → samples → io → engine → analysis → report → run → cli

- `core`: errors with codes, text, Vietnamese number format, periods, paths, the columns;
- `model`: the classification dimensions, the indicator registry, results, the sections;
- `rules`: the declared rules (YAML) and their loaders: profiles, policies, catalogues;
- `samples`: the sample exports generated from a target;
- `io`: an export's bytes as a relation of text cells;
- `engine`: DuckDB (imported nowhere else): the canonical table, classification, runs;
- `analysis`: cross-checks, Decision 766, trends, reconciliation with the portal;
- `report`: params, the report's data, its narrative and forms;
- `run`: notebook execution, PDF, batch, the outputs index, the workspace;
- `cli`: the `tthc` command.

The top-level modules are what notebooks call: `charts`, `show`, `explore`, `nbparams` (and
`tthc_lib.report.build_report`).
"""
