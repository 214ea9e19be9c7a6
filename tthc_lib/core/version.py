"""The tool's version (light: `tthc --version` and the CLI start fast)."""

from importlib.metadata import PackageNotFoundError, version


def tool_version() -> str:
    """Return the installed tthc-report version."""
    try:
        return version("tthc-report")
    except PackageNotFoundError:
        return "dev"
