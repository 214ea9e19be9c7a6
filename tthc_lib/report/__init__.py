"""One report: its params (`spec`), its data end to end (`build`), its narrative and forms.

`from tthc_lib.report import build_report` is what the report notebook calls; it is loaded on
first use, so that importing `tthc_lib.report.spec` stays light."""

_BUILD = ("Report", "build_report", "open_spec_data")


def __getattr__(name: str):
    if name in _BUILD:
        from . import build

        return getattr(build, name)
    raise AttributeError(name)
