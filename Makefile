# emprende — the two commands a new user needs: `make serve` and `make test`.
PYTHON ?= $(shell command -v python3.11 2>/dev/null || command -v python3)
VENV   := .venv
BIN    := $(VENV)/bin
HOST   ?= 127.0.0.1
PORT   ?= 8000
PYTEST_ARGS ?=

.PHONY: serve test lint typecheck layers pytest openapi typed-client bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Re-install whenever pyproject.toml changes; the stamp files record the last install.
$(VENV)/.runtime-installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	@touch $@

$(VENV)/.dev-installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $@ $(VENV)/.runtime-installed

serve: $(VENV)/.runtime-installed
	$(BIN)/emprende serve --host $(HOST) --port $(PORT)

lint: $(VENV)/.dev-installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(VENV)/.dev-installed
	$(BIN)/mypy --strict src

layers: $(VENV)/.dev-installed
	$(BIN)/lint-imports

pytest: $(VENV)/.dev-installed
	$(BIN)/pytest -n auto $(PYTEST_ARGS)

test: lint typecheck layers pytest

openapi: $(VENV)/.runtime-installed
	$(BIN)/emprende openapi --output openapi/v1.json

# Needs Node.js and npm: a TypeScript client generated from openapi/v1.json must compile with tsc --strict.
typed-client:
	bash tests/typescript/check.sh

bench: $(VENV)/.dev-installed
	$(BIN)/python bench/http_load.py

clean:
	rm -rf $(VENV) tests/typescript/node_modules tests/typescript/build .mypy_cache .ruff_cache .pytest_cache .hypothesis .import_linter_cache
