"""Display helpers for notebooks: turn the library's HTML fragments and figures into
Jupyter outputs (HTML and embedded PNG)."""

from __future__ import annotations

from IPython.display import HTML, Image

from .charts import png


def html(fragment: str) -> HTML:
    """Return an HTML output for a fragment produced by the library."""
    return HTML(fragment)


def chart(fig) -> Image:
    """Return a PNG output for a matplotlib Figure (embedded in the exported HTML)."""
    return Image(data=png(fig), format="png")


def charts(figs) -> None:
    """Display several figures in one cell."""
    from IPython.display import display

    for fig in figs:
        display(chart(fig))
