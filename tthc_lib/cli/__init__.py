"""The `tthc` command (argparse in Vietnamese); heavy modules are imported per command."""

from .main import main, parser

__all__ = ["main", "parser"]
