# Two commands do all set-up on a fresh machine with Python 3.11:
#   make report   — create .venv, install (with Chromium for PDF), generate the sample data,
#                   render every sample unit's report (HTML, PDF, XLSX) and outputs/index.html
#   make test     — the same set-up, then the whole test suite
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
TTHC := $(VENV)/bin/tthc
STAMP := $(VENV)/.installed

.PHONY: install system-deps sample report report-one test test-fast lint bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e ".[dev,lab,dask]"
	@# JupyterLab of this venv opens the .py notebooks (jupytext) as notebooks on double-click
	mkdir -p $(VENV)/share/jupyter/lab/settings
	echo '{"@jupyterlab/docmanager-extension:plugin": {"defaultViewers": {"python": "Jupytext Notebook"}}}' \
		> $(VENV)/share/jupyter/lab/settings/overrides.json
	touch $(STAMP)

install: $(STAMP)

# Debian's chromium prints the PDFs; poppler-utils' pdftotext lets the tests read them back.
system-deps:
	@if command -v chromium >/dev/null && command -v pdftotext >/dev/null; then :; \
	elif [ "$$(id -u)" = 0 ]; then \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
			chromium poppler-utils fonts-liberation fonts-dejavu-core >/dev/null; \
	else echo "Cần Chromium và pdftotext: sudo apt-get install chromium poppler-utils"; exit 1; fi

data/samples/bac-giang-2023-Q3.csv: $(STAMP) tthc_lib/samples/*.py
	$(TTHC) sample

sample: data/samples/bac-giang-2023-Q3.csv

report: sample system-deps
	$(TTHC) batch params/ --pdf

report-one: sample
	$(TTHC) report params/bac-giang/2023-Q3.yaml

test: install system-deps
	$(PY) -m pytest -q

test-fast: install
	$(PY) -m pytest -q -m "not slow"

lint: install
	$(VENV)/bin/ruff check tthc_lib tests bench notebooks

bench: install system-deps
	$(PY) bench/run.py

# only what the tool generated and can generate again: the sample exports and the sample
# units' reports; an analyst's own exports, params and reports stay
clean:
	@if [ -x $(TTHC) ]; then $(TTHC) clean-samples; fi
