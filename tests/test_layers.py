"""The package's layout shows its layers: each subpackage imports only those below it, DuckDB
only in the engine, the rendering libraries never in the engine or below (so `tthc compute`
starts fast). Every import is walked, including the ones inside functions."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).parent.parent / "tthc_lib"
LAYERS = ("core", "model", "rules", "samples", "io", "engine", "analysis", "report", "run", "cli")
TOP = len(LAYERS)  # the top-level modules: what notebooks call, above every layer
HEAVY = ("matplotlib", "papermill", "nbconvert", "pandas", "jupytext", "playwright")


def modules() -> dict[str, Path]:
    """Every module of the package by dotted name (without the `tthc_lib.` prefix)."""
    found = {}
    for path in PACKAGE.rglob("*.py"):
        rel = path.relative_to(PACKAGE).with_suffix("").parts
        if rel[0] in ("notebooks", "sample_params"):  # shipped notebooks, not library code
            continue
        found[".".join(rel)] = path
    return found


def layer(name: str) -> int:
    head = name.split(".")[0]
    return LAYERS.index(head) if head in LAYERS else TOP


def imports(name: str, path: Path) -> list[tuple[int, str]]:
    """(line, imported name) for every import in a module: absolute names, relative ones
    resolved against the module's package, `tthc_lib.` stripped from the package's own."""
    package = name.split(".")[:-1]
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found += [(node.lineno, a.name) for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[: len(package) - node.level + 1]
                target = ".".join([*base, *([node.module] if node.module else [])])
                if not node.module:  # from . import a, b: each name may be a module
                    found += [(node.lineno, f"tthc_lib.{target}.{a.name}".replace("..", "."))
                              for a in node.names]
                    continue
                found.append((node.lineno, f"tthc_lib.{target}"))
            else:
                found.append((node.lineno, node.module))
    return found


def own(imported: str) -> str | None:
    return imported[len("tthc_lib."):] if imported.startswith("tthc_lib.") else None


def test_the_walker_sees_relative_and_lazy_imports(tmp_path):
    f = tmp_path / "m.py"
    f.write_text("from ..core.errors import InputError\n"
                 "def f():\n    from ..report import build\n    import duckdb\n")
    got = [name for _, name in imports("engine.m", f)]
    assert got == ["tthc_lib.core.errors", "tthc_lib.report", "duckdb"]
    assert layer("report") > layer("engine") > layer("core")


@pytest.mark.parametrize("name", sorted(modules()))
def test_a_module_imports_only_the_layers_below_it(name):
    path = modules()[name]
    upward = [(line, imported) for line, imported in imports(name, path)
              if own(imported) is not None and layer(own(imported)) > layer(name)]
    assert not upward, f"{path.relative_to(PACKAGE.parent)} imports upwards: {upward}"


def test_duckdb_is_imported_by_the_engine_package_alone():
    users = {name for name, path in modules().items()
             if any(imported.split(".")[0] == "duckdb" for _, imported in imports(name, path))}
    assert users and all(name.startswith("engine.") for name in users), users


def test_no_rendering_library_in_the_engine_or_below():
    """`tthc compute` imports nothing it does not need: pandas only in the notebook's views of
    the engine's tables and in the sample writers, which compute never loads."""
    below = {name: path for name, path in modules().items() if layer(name) <= layer("engine")
             and layer(name) != layer("samples") and name not in ("engine.load", "engine.frame")}
    heavy = {name: [i for _, i in imports(name, path) if i.split(".")[0] in HEAVY]
             for name, path in below.items()}
    assert not {k: v for k, v in heavy.items() if v}


def test_the_layout_shows_the_layers():
    top_modules = [p for p in PACKAGE.glob("*.py")]
    packages = [p for p in PACKAGE.iterdir() if (p / "__init__.py").is_file()]
    assert len(top_modules) <= 8, sorted(p.name for p in top_modules)
    assert len(packages) >= 4
    assert {p.name for p in packages} == set(LAYERS) | {"report"}
