# Two commands: `make run` and `make test`. Each sets itself up (a venv in .venv).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PIP := $(BIN)/python -m pip
DEPS := pyproject.toml constraints.txt

.PHONY: run test test-fast lint audit bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip

# Stamp files: reinstall only when the dependency files change.
$(VENV)/.run-installed: $(BIN)/python $(DEPS)
	$(PIP) install --quiet -c constraints.txt -e .
	touch $@

$(VENV)/.test-installed: $(BIN)/python $(DEPS)
	$(PIP) install --quiet -c constraints.txt -e '.[test]'
	touch $@ $(VENV)/.run-installed

run: $(VENV)/.run-installed
	$(BIN)/recruit db upgrade
	$(BIN)/recruit demo
	$(BIN)/recruit serve --host 127.0.0.1 --port 5000

test: $(VENV)/.test-installed
	$(BIN)/python -m pytest $(PYTEST_ARGS)

test-fast: $(VENV)/.test-installed
	$(BIN)/python -m pytest -m "not slow and not browser" $(PYTEST_ARGS)

lint: $(VENV)/.test-installed
	$(BIN)/ruff check recruit tests bench
	$(BIN)/ruff format --check recruit tests bench
	$(BIN)/lint-imports
	$(BIN)/mypy

# Known dependency vulnerabilities (PyPI's advisory data) and a static security scan.
# Bandit at medium severity and up; B301 is unpickling what our own processes made, never uploaded
# bytes: a reader child's result from a private pipe (core/reading/sandbox.py, core/readahead.py)
# and a reading kept beside its file in the owner-only upload folder (core/reading/result.py).
audit: $(VENV)/.test-installed
	$(BIN)/pip-audit --skip-editable --progress-spinner off
	$(BIN)/bandit -r recruit -q -ll -s B301

bench: $(VENV)/.test-installed
	for b in bench/*.py; do $(BIN)/python $$b || exit 1; done

clean:
	rm -rf $(VENV) build dist .pytest_cache .ruff_cache .mypy_cache
