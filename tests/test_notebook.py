"""The report notebook stays thin and its declared parameters match what `tthc report`
passes."""

import inspect
import logging

import papermill as pm

from tthc_lib.run import render
from tthc_lib.run.render import load_notebook


def test_parameters_cell_declares_what_render_passes(tmp_path):
    nb = load_notebook()
    path = tmp_path / "report.ipynb"
    import nbformat

    nbformat.write(nb, path)
    declared = pm.inspect_notebook(str(path))
    assert set(declared) == {"params_path", "strict", "stage_dir", "outputs_dir"}
    assert declared["strict"]["inferred_type_name"] == "bool"
    source = inspect.getsource(render.render_report)
    for name in declared:
        assert f'"{name}"' in source


def test_papermill_parses_every_parameter_line_of_both_notebooks(tmp_path, caplog):
    """papermill skips a parameter whose line it cannot parse (an `=` in its comment) and
    only logs a warning; every line of the shipped notebooks' parameters cells must parse."""
    import jupytext
    import nbformat

    from tthc_lib.core.paths import notebook

    for name in ("report.py", "explore.py"):
        path = tmp_path / name.replace(".py", ".ipynb")
        nbformat.write(jupytext.read(notebook(name)), path)
        with caplog.at_level(logging.WARNING):
            declared = pm.inspect_notebook(str(path))
        assert not [r for r in caplog.records if "Unable to parse" in r.getMessage()], name
        cell = next(c for c in jupytext.read(notebook(name)).cells
                    if "parameters" in c.metadata.get("tags", []))
        names = {line.split(":")[0] for line in cell.source.splitlines() if line.strip()}
        assert set(declared) == names, name


def test_notebook_is_thin_calls_only():
    nb = load_notebook()
    code = [c.source for c in nb.cells if c.cell_type == "code"]
    for src in code:
        lines = [line for line in src.splitlines() if line.strip()]
        assert len(lines) <= 6, src  # a cell calls the library and displays
        assert "def " not in src and "class " not in src and "lambda" not in src
    assert not any(c.get("outputs") for c in nb.cells if c.cell_type == "code")
