"""Vietnamese narrative from Jinja2 templates (one per report part), filled from Results."""

from .render import ii06_rows, render, section_i6_context

__all__ = ["render", "ii06_rows", "section_i6_context"]
