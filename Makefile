# Future Skills MLOps: `make demo` runs the pipeline on the embedded demo database,
# `make test` runs the whole test suite. Both create .venv and install what they need.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 2>/dev/null || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
MODEL_VERSION ?= v2
N_ESTIMATORS ?= 200
MODEL ?= auto
WINDOW ?= 30d
PYTEST_ARGS ?=
BY ?=
COMMENT ?=
A ?= v1
B ?= v2

.DEFAULT_GOAL := help
.PHONY: help setup demo test test-ml quick-test export-dataset train-model evaluate-model \
        retrain-future-skills drift registry lab clean bench benchmark browser-deps \
        approve reject promote rollback diff crash-test

help: ## Show this help
	@echo "Future Skills MLOps: make <target> [VAR=value]"
	@grep -E '^[a-zA-Z_-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-23s %s\n", $$1, $$2}'

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[dev]'
	@touch $(STAMP)

setup: $(STAMP) ## Create .venv and install the package with its test tools

demo: $(STAMP) ## Demo DB, retrain+promote v1, simulated traffic, retrain v2 (candidate), drift report
	@$(BIN)/future-skills show v1 >/dev/null 2>&1 || $(BIN)/python run_retrain.py --version v1 --auto-promote
	@$(BIN)/future-skills show v2 >/dev/null 2>&1 || { \
	  $(BIN)/future-skills simulate-traffic --days 30 --rows-per-day 200 --drift 0.6 && \
	  $(BIN)/python run_retrain.py --version v2; }
	$(BIN)/future-skills drift --window $(WINDOW)
	$(BIN)/future-skills monitor-history
	$(BIN)/future-skills registry
	@echo "Open reports/v2/index.html (audit summary) and reports/monitoring/index.html (drift history)."

test: $(STAMP) browser-deps ## Run the whole test suite (unit, notebooks under nbmake, end-to-end)
	$(BIN)/python -m pytest $(PYTEST_ARGS)

test-ml: $(STAMP) ## Unit and end-to-end tests only (no notebook runs)
	$(BIN)/python -m pytest tests -p no:nbmake -o addopts="-ra --import-mode=importlib" $(PYTEST_ARGS)

quick-test: $(STAMP) ## Fast unit tests (skips slow end-to-end tests and notebooks)
	$(BIN)/python -m pytest tests -p no:nbmake -o addopts="-ra --import-mode=importlib" -m "not slow" $(PYTEST_ARGS)

export-dataset: $(STAMP) ## Export + validate the dataset from the HR database to data/exports/
	$(BIN)/future-skills export

train-model: $(STAMP) ## Retrain MODEL_VERSION on the last exported dataset (--skip-export; MODEL=auto|rf|hgb)
	$(BIN)/python run_retrain.py --version $(MODEL_VERSION) --model $(MODEL) --n-estimators $(N_ESTIMATORS) --skip-export

evaluate-model: $(STAMP) ## Show MODEL_VERSION's promotion criteria and what changed since production
	$(BIN)/future-skills gate $(MODEL_VERSION)

retrain-future-skills: $(STAMP) ## Full pipeline: MODEL_VERSION=v2 MODEL=auto|rf|hgb N_ESTIMATORS=200
	$(BIN)/python run_retrain.py --version $(MODEL_VERSION) --model $(MODEL) --n-estimators $(N_ESTIMATORS)

drift: $(STAMP) ## Drift report on the prediction log (WINDOW=30d)
	$(BIN)/future-skills drift --window $(WINDOW)

registry: $(STAMP) ## List the versions in the model registry
	$(BIN)/future-skills registry

approve: $(STAMP) ## Record approval: MODEL_VERSION=v2 BY="Claire Martin" COMMENT="ok"
	$(BIN)/future-skills approve $(MODEL_VERSION) --by "$(BY)" --comment "$(COMMENT)"

reject: $(STAMP) ## Reject a version: MODEL_VERSION=v2 BY="Claire Martin" COMMENT="why"
	$(BIN)/future-skills reject $(MODEL_VERSION) --by "$(BY)" --comment "$(COMMENT)"

promote: $(STAMP) ## Put an approved version whose gate passed into production: MODEL_VERSION=v2
	$(BIN)/future-skills promote $(MODEL_VERSION)

rollback: $(STAMP) ## Put the previous production version back into production
	$(BIN)/future-skills rollback

diff: $(STAMP) ## Compare two versions: A=v1 B=v2
	$(BIN)/future-skills diff $(A) $(B)

crash-test: $(STAMP) ## Kill a retrain with SIGKILL at every step and check the recovery (a few minutes)
	$(BIN)/python tests/pipeline/crash_retrain.py

lab: $(STAMP) ## Open the notebooks in JupyterLab
	$(BIN)/jupyter lab notebooks/

bench: $(STAMP) ## Run the benchmarks of BENCHMARKS.md (tables printed, JSON in benchmarks/results/); BENCH_ARGS=--quick
	$(BIN)/python benchmarks/run_all.py $(BENCH_ARGS)

benchmark: bench ## Same as bench

browser-deps: ## Install Debian's chromium for the report rendering test when possible
	@command -v chromium >/dev/null 2>&1 || { [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1 && \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null) ; } || \
	  echo "chromium not installable here: the browser rendering test will be skipped"

clean: ## Remove generated runs, models, reports, logs, demo data (keeps .venv)
	find data runs models reports logs -mindepth 1 ! -name .gitkeep -exec rm -rf {} + 2>/dev/null || true
	rm -rf .pytest_cache benchmarks/results
