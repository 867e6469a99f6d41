# `make` sets up everything from a fresh clone; `make test` runs the suite.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
TEST_STAMP := $(VENV)/.installed-test
# The explorer's browser packages (DuckDB-WASM, esbuild), pinned in site/package-lock.json.
SITE_NODE := site/node_modules/.installed
# A second environment with the oldest DuckDB the README promises (1.0.0 cannot read the key
# indexes), to prove the database we write opens there. Keep equal to OLDEST_DUCKDB in src/ihr/build.py.
DUCKDB1 := .venv-duckdb1
DUCKDB_OLDEST := 1.1.0

.PHONY: all install validate build charts site site-packages test bench clean

all: build charts

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): $(BIN)/python pyproject.toml
	$(BIN)/python -m pip install --quiet -e '.[charts]'
	touch $@

$(TEST_STAMP): $(BIN)/python pyproject.toml
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@ $(STAMP)

$(DUCKDB1)/.installed-$(DUCKDB_OLDEST):
	$(PYTHON) -m venv $(DUCKDB1)
	$(DUCKDB1)/bin/python -m pip install --quiet 'duckdb==$(DUCKDB_OLDEST)'
	touch $@

$(SITE_NODE): site/package.json site/package-lock.json
	npm ci --prefix site --no-audit --no-fund
	touch $@

site-packages: $(SITE_NODE)

install: $(STAMP)

validate: $(STAMP)
	$(BIN)/ihr validate .

build: validate
	$(BIN)/ihr build . --out build

# The explorer: a static site in build/site (serve it with `python3 -m http.server -d build/site`).
site: build $(SITE_NODE)
	$(BIN)/ihr site . --out build/site

# Static charts (build/charts/funding.svg) from the built database.
charts: build
	$(BIN)/ihr charts . --out build/charts

test: $(TEST_STAMP) $(DUCKDB1)/.installed-$(DUCKDB_OLDEST)
	@if command -v npm >/dev/null; then $(MAKE) --no-print-directory site-packages; \
	 else echo "npm not found: the explorer's browser tests will be skipped"; fi
	IHR_DUCKDB1_PYTHON=$(CURDIR)/$(DUCKDB1)/bin/python $(BIN)/python -m pytest -n auto --dist loadgroup

# Benchmarks (not part of the tests): ihr validate and build vs frictionless and a DuckDB floor.
bench: $(STAMP) $(TEST_STAMP) $(SITE_NODE)
	$(BIN)/python scripts/bench.py --out build/bench.json
	$(BIN)/python scripts/bench_site.py --out build/bench-site.json

clean:
	rm -rf $(VENV) $(DUCKDB1) build dist .pytest_cache site/node_modules
