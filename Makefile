# make run   - create the environment if needed and open the planner
# make test  - create the environment if needed and run the whole suite headless
# make system-deps - install the programs the tests use to check our files (LibreOffice to
#              recompute exported workbooks, poppler to read printed reports); needs root
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed-stamp

.PHONY: venv run test test-fast lint bench screenshot clean system-deps

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	touch $(STAMP)

venv: $(STAMP)

# Debian packages: soffice (headless LibreOffice Calc) and pdftotext/pdftoppm. Skipped when
# they are already there, so a developer's machine is not touched twice.
SYSTEM_TOOLS := soffice pdftotext pdftoppm
system-deps:
	@missing=0; for tool in $(SYSTEM_TOOLS); do command -v $$tool >/dev/null || missing=1; done; \
	if [ $$missing = 1 ]; then \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
	    libreoffice-calc-nogui poppler-utils >/dev/null; \
	fi

run: $(STAMP)
	$(PY) app.py

test: $(STAMP)
	QT_QPA_PLATFORM=offscreen $(PY) -m pytest -q -p no:cacheprovider

test-fast: $(STAMP)
	QT_QPA_PLATFORM=offscreen $(PY) -m pytest -q -m "not gui and not slow"

lint: $(STAMP)
	$(VENV)/bin/ruff check planner ui tests app.py
	$(VENV)/bin/ruff format --check planner ui tests app.py
	$(VENV)/bin/mypy

# make bench - every benchmark, each printing its figure beside a baseline measured in the
#              same run (bench/README.md keeps the latest results). The 100,000-deal plan is
#              built once at BIG_PLAN and reused.
BIG_PLAN ?= /tmp/big.smplan
bench: $(STAMP)
	test -f $(BIG_PLAN) || $(PY) app.py demo $(BIG_PLAN) --deals 100000 --years 10
	$(PY) bench/bench_demo.py
	QT_QPA_PLATFORM=offscreen $(PY) bench/bench_startup.py --plan $(BIG_PLAN)
	QT_QPA_PLATFORM=offscreen $(PY) bench/bench_pipeline.py --plan $(BIG_PLAN)
	$(PY) bench/bench_import.py
	QT_QPA_PLATFORM=offscreen $(PY) bench/bench_undo.py --plan $(BIG_PLAN)
	QT_QPA_PLATFORM=offscreen $(PY) bench/bench_backup.py --plan $(BIG_PLAN)
	$(PY) bench/bench_memory.py --plan $(BIG_PLAN)
	$(PY) bench/bench_export.py --plan $(BIG_PLAN)
	QT_QPA_PLATFORM=offscreen $(PY) bench/bench_charts.py
	QT_QPA_PLATFORM=offscreen $(PY) bench/bench_refresh.py --plan $(BIG_PLAN)
	QT_QPA_PLATFORM=offscreen $(PY) bench/bench_report.py --plan $(BIG_PLAN)

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache .mypy_cache .ruff_cache
