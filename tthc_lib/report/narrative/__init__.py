"""Vietnamese narrative from Jinja2 templates (one per report part), filled from Results."""

from .render import ii06_rows, paras, ranked_late, render, results_view

__all__ = ["render", "ii06_rows", "paras", "ranked_late", "results_view"]
