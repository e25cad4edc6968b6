# Two commands matter: `make run` and `make test`. Everything installs itself into .venv/.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test lint migrate clean load bench

PIP := $(BIN)/python -m pip install --quiet --disable-pip-version-check
SOURCES := backend harness tests features load judging
# Packages whose types `make lint` checks (mypy --strict).
LINT_TYPED := backend harness features judging load tests

# pip 25.1 is the first to install PEP 735 dependency groups (`--group`).
$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(PIP) 'pip>=25.1'

$(VENV)/.runtime-installed: pyproject.toml | $(BIN)/python
	$(PIP) -e .
	touch $@

## Development tools: the runtime plus the `dev` dependency group (tests, load, lint)
$(VENV)/.dev-installed: pyproject.toml | $(BIN)/python
	$(PIP) -e . --group dev
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

## The acceptance features alone, in Gherkin; writes reports/acceptance.{md,html,json}.
## Against a deployment: make report BASE_URL=http://host:port BETTER_AUTH_SECRET=…
.PHONY: report
report: $(VENV)/.dev-installed
	$(BIN)/python -m pytest features --gherkin-terminal-reporter -vv

## Load test: the backend (2 workers, throwaway embedded PostgreSQL) under 50 Locust users;
## reports/load.html + reports/load_*.csv; fails on a threshold breach. LOAD_ARGS="--run-time 5m"
load: $(VENV)/.dev-installed
	$(BIN)/python -m load.run $(LOAD_ARGS)

## Benchmark against wrk, pgbench and a framework ceiling; writes reports/bench.md and .json
bench: $(VENV)/.dev-installed
	@command -v wrk >/dev/null || ! command -v apt-get >/dev/null \
		|| { echo "make bench: installing wrk (apt-get)"; apt-get install -y -qq wrk \
		|| { apt-get update -qq && apt-get install -y -qq wrk; }; } \
		|| echo "make bench: could not install wrk; install it yourself (apt-get install wrk)" >&2
	$(BIN)/python -m load.bench $(BENCH_ARGS)

## The judges' demo: our backend (throwaway embedded PostgreSQL), the acceptance features, 50
## Locust users for 30 s, then one page: reports/index.html. Against a deployment instead:
## make demo BASE_URL=https://… BETTER_AUTH_SECRET=…   More: DEMO_ARGS="--duration 60s"
## DEMO_PORT=8001 serves our backend on that port instead of a free one.
.PHONY: demo
demo: $(VENV)/.dev-installed
	$(BIN)/python -m judging $(if $(DEMO_PORT),--port $(DEMO_PORT)) $(DEMO_ARGS)

## Several backends, one page (reports/compare/index.html), our reference as the control column:
## make compare COMPARE_ARGS="--target team-a=http://127.0.0.1:9001 --targets judging.toml"
.PHONY: compare
compare: $(VENV)/.dev-installed
	$(BIN)/python -m judging compare $(COMPARE_ARGS)

## Deeper fuzzing: schemathesis with FUZZ_EXAMPLES (default 1000) cases per schema and mode,
## and the stateful isolation model with longer runs
.PHONY: fuzz
fuzz: $(VENV)/.dev-installed
	FUZZ_EXAMPLES=$${FUZZ_EXAMPLES:-1000} MODEL_EXAMPLES=$${MODEL_EXAMPLES:-50} MODEL_STEPS=$${MODEL_STEPS:-50} \
	$(BIN)/python -m pytest tests/reliability/test_fuzz.py tests/reliability/test_isolation_model.py --timeout=0

## The default suite SHAKE_RUNS times (default 3) in random orders, each seed printed and kept in
## reports/shake/<seed>.{log,xml}: how order or timing dependence is found. SHAKE_SEEDS="7 8" repeats seeds.
.PHONY: shake
shake: $(VENV)/.dev-installed
	@mkdir -p reports/shake
	@for seed in $${SHAKE_SEEDS:-$$(shuf -i 1-99999 -n $${SHAKE_RUNS:-3})}; do \
	    echo "== make shake: --randomly-seed=$$seed"; \
	    $(BIN)/python -m pytest -q -p randomly --randomly-seed=$$seed \
	        --junitxml=reports/shake/$$seed.xml > reports/shake/$$seed.log 2>&1 \
	        && tail -n 1 reports/shake/$$seed.log \
	        || { tail -n 30 reports/shake/$$seed.log; exit 1; }; \
	done

## ruff (lint and format) on every package, mypy --strict on $(LINT_TYPED)
lint: $(VENV)/.dev-installed
	$(BIN)/ruff check $(SOURCES)
	$(BIN)/ruff format --check $(SOURCES)
	$(BIN)/mypy $(LINT_TYPED)

## mypy alone (the pre-commit hook)
.PHONY: lint-types
lint-types: $(VENV)/.dev-installed
	$(BIN)/mypy $(LINT_TYPED)

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .hypothesis reports
