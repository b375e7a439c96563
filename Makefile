# ats-match: the two commands of the README are `make run` and `make test`.
SHELL := /bin/bash
VENV ?= .venv
PYTHON ?= python3
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp

.PHONY: run test lint typecheck unit attacks system-deps bench clean

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev,bench]'
	@touch $(STAMP)

## Install Debian's Chromium for the dashboard's browser tests (no browser download at run time).
system-deps:
	@if ! command -v chromium >/dev/null 2>&1; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null) \
	      || echo "warning: could not install chromium; browser tests will fail"; \
	  else echo "warning: chromium missing; run: sudo apt-get install chromium"; fi; \
	fi

## Migrate, seed the demo organisation and serve http://127.0.0.1:8000 with a worker (SQLite, no Redis).
run: $(STAMP)
	$(BIN)/ats-match run

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(STAMP)
	$(BIN)/mypy

unit: $(STAMP)
	$(BIN)/pytest

## Lint, type-check and run the whole test suite.
test: $(STAMP) system-deps lint typecheck unit

## The attack suite alone; ATS_MATCH_WRITE_SECURITY_COUNTS=1 also refreshes docs/security.md.
attacks: $(STAMP)
	$(BIN)/pytest -m attack tests/attacks

bench: $(STAMP)
	$(BIN)/python bench/extract/run.py
	$(BIN)/python bench/verify/run.py
	$(BIN)/python bench/normalise/run.py
	$(BIN)/python bench/rules/run.py

clean:
	rm -rf $(VENV) data .pytest_cache .mypy_cache .ruff_cache
