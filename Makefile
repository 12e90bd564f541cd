# Sunshine Signage (阳光公开屏): the two commands of the README, and a few for developers.
#   make demo   install what is missing, create the database, seed the demo county, serve :8080
#   make test   install what is missing, lint, type-check, run the player's Node tests and the whole test suite
SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# Reinstall into the venv whenever pyproject.toml changes.
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml | sha256sum | cut -c1-16)
PYTEST_ARGS ?=

.PHONY: help demo test lint typecheck node-test pytest sysdeps sysdeps-test install vendor i18n clean

help:
	@echo "make demo   - install, create the database, seed the demo county, serve on http://127.0.0.1:8080"
	@echo "make test   - install, lint (ruff), type-check (mypy), run the tests (node --test, pytest)"
	@echo "make vendor - refresh front-end libraries from the npm registry (package-lock.json)"
	@echo "make i18n   - extract messages, update and compile the Chinese catalog"

$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || \
	  { echo ">> Python 3.11 or newer is needed (set PYTHON=python3.11)"; exit 1; }
	@echo ">> creating the virtual environment $(VENV)"
	$(PYTHON) -m venv $(VENV)

$(STAMP): pyproject.toml | $(BIN)/python
	@echo ">> installing sunshine-signage with its test tools into $(VENV)"
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet --editable '.[test]'
	@rm -f $(VENV)/.installed-*
	@touch $@

install: $(STAMP)

sysdeps:
	@scripts/sysdeps.sh runtime

sysdeps-test:
	@scripts/sysdeps.sh test

demo: sysdeps install
	$(BIN)/signage demo

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: install
	$(BIN)/mypy

# The web player's ES modules, with Node's own test runner (no npm packages needed).
node-test: sysdeps-test
	node --test tests/player/js/*.test.js

# Bytecode is written even where the environment says not to (PYTHONDONTWRITEBYTECODE): the
# test processes and the server and CLI processes they start then compile each module once, not
# each time (collection alone goes from 8 s to 3 s a worker). worksteal: a worker that runs
# out of tests takes some of the other's, so no core idles at the end.
pytest: sysdeps-test install
	env -u PYTHONDONTWRITEBYTECODE $(BIN)/pytest -n 2 --dist worksteal $(PYTEST_ARGS)

test: lint typecheck node-test pytest

vendor:
	npm ci --no-audit --no-fund
	$(PYTHON) scripts/vendor.py

i18n: install
	$(BIN)/pybabel extract -F babel.cfg -k N_ -k _l -k lazy_gettext --no-location --sort-output \
	  --project "Sunshine Signage" --version 0.1 -o signage_server/translations/messages.pot .
	$(BIN)/pybabel update -i signage_server/translations/messages.pot -d signage_server/translations \
	  --no-fuzzy-matching --ignore-obsolete --width 100
	$(BIN)/python scripts/visitor_catalogs.py
	$(BIN)/pybabel compile -d signage_server/translations -l zh_Hans_CN --statistics

clean:
	rm -rf $(VENV) build dist *.egg-info test-artifacts .pytest_cache .mypy_cache .ruff_cache
