# make run   - create the environment if needed and open the planner
# make test  - create the environment if needed and run the whole suite headless
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed-stamp

.PHONY: venv run test test-fast lint bench screenshot clean

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	touch $(STAMP)

venv: $(STAMP)

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

bench: $(STAMP)
	$(PY) bench/bench_demo.py

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache .mypy_cache .ruff_cache
