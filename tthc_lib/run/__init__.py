"""Running reports: the notebook through papermill, PDF, batch, the outputs index, the
workspace."""

import sys

# nbformat validates notebooks with jsonschema, whose format checker, when the optional
# rfc3987-syntax package is installed (JupyterLab's jupyter-events pulls it in), compiles 38
# grammars as it is imported: about 0.75 s of every `tthc report` and every batch worker,
# for IRI formats that no notebook schema uses. Without the package jsonschema skips them.
sys.modules.setdefault("rfc3987_syntax", None)
