"""Display helpers for notebooks: turn the library's HTML fragments and figures into
Jupyter outputs (HTML, and charts as inline SVG with Vietnamese alt text)."""

from __future__ import annotations

from IPython.display import HTML

from .charts import svg


def html(fragment: str) -> HTML:
    """Return an HTML output for a fragment produced by the library."""
    return HTML(fragment)


def chart(fig) -> HTML | None:
    """Return an HTML output holding the figure as SVG (crisp on a phone, searchable);
    None (nothing shown) for no figure."""
    if fig is None:
        return None
    return HTML(f'<figure class="chart">{svg(fig)}</figure>')


def section(fragment: str, figs=()) -> None:
    """Display a section and its charts; nothing when the section is empty."""
    from IPython.display import display

    if fragment:
        display(html(fragment))
        charts(figs)


def charts(figs) -> None:
    """Display several figures in one cell."""
    from IPython.display import display

    for fig in figs:
        display(chart(fig))
