# `make` sets up everything from a fresh clone; `make test` runs the suite.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
TEST_STAMP := $(VENV)/.installed-test
# A second environment with the oldest DuckDB the README promises (1.0.0 cannot read the key
# indexes), to prove the database we write opens there. Keep equal to OLDEST_DUCKDB in src/ihr/build.py.
DUCKDB1 := .venv-duckdb1
DUCKDB_OLDEST := 1.1.0

.PHONY: all install validate build test bench clean

all: build

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): $(BIN)/python pyproject.toml
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(TEST_STAMP): $(BIN)/python pyproject.toml
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@ $(STAMP)

$(DUCKDB1)/.installed-$(DUCKDB_OLDEST):
	$(PYTHON) -m venv $(DUCKDB1)
	$(DUCKDB1)/bin/python -m pip install --quiet 'duckdb==$(DUCKDB_OLDEST)'
	touch $@

install: $(STAMP)

validate: $(STAMP)
	$(BIN)/ihr validate .

build: validate
	$(BIN)/ihr build . --out build

test: $(TEST_STAMP) $(DUCKDB1)/.installed-$(DUCKDB_OLDEST)
	IHR_DUCKDB1_PYTHON=$(CURDIR)/$(DUCKDB1)/bin/python $(BIN)/python -m pytest -n auto

# Benchmarks (not part of the tests): ihr validate and build vs frictionless and a DuckDB floor.
bench: $(STAMP)
	$(BIN)/python scripts/bench.py --out build/bench.json

clean:
	rm -rf $(VENV) $(DUCKDB1) build dist .pytest_cache
