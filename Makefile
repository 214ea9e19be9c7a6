# Two commands do all set-up on a fresh machine with Python 3.11:
#   make report   — create .venv, install, generate the sample data, render the sample report
#   make test     — create .venv, install, run the whole test suite
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
TTHC := $(VENV)/bin/tthc
STAMP := $(VENV)/.installed

.PHONY: install sample report test test-fast lint bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e ".[dev,lab]"
	touch $(STAMP)

install: $(STAMP)

data/samples/bac-giang-2023-Q3.csv: $(STAMP) tthc_lib/sample.py tthc_lib/sample_catalog.py
	$(TTHC) sample

sample: data/samples/bac-giang-2023-Q3.csv

report: sample
	$(TTHC) report params/bac-giang/2023-Q3.yaml

test: install
	$(PY) -m pytest -q

test-fast: install
	$(PY) -m pytest -q -m "not slow"

lint: install
	$(VENV)/bin/ruff check tthc_lib tests bench notebooks

clean:
	rm -rf outputs/*/ data/
