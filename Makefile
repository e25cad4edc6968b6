# Two commands matter: `make run` and `make test`. Everything installs itself into .venv/.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test lint migrate clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.runtime-installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e .
	touch $@

$(VENV)/.dev-installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[dev]'
	touch $@ $(VENV)/.runtime-installed

## Serve the API on http://$(HOST):$(PORT) (embedded PostgreSQL unless NEON_DATABASE_URL is set)
run: $(VENV)/.runtime-installed
	$(BIN)/python -m backend serve --host $(HOST) --port $(PORT)

## Apply the migrations only
migrate: $(VENV)/.runtime-installed
	$(BIN)/python -m backend migrate

## The default suite: tests/ and features/ (slow checks excluded; see .ci/run)
test: $(VENV)/.dev-installed
	$(BIN)/python -m pytest

lint: $(VENV)/.dev-installed
	$(BIN)/ruff check backend harness tests features load

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .hypothesis reports
