# Two commands set everything up on a fresh machine:
#   make demo   creates .venv if missing, installs depthlab, runs the main job
#   make test   creates .venv if missing, installs depthlab with its test extras, runs the tests
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/pip install --disable-pip-version-check -q -e '.[dev,ray]'
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/depthlab demo --out out
	$(BIN)/depthlab check all --db out/demo.db

test: $(STAMP)
	$(BIN)/pytest -q

bench: $(STAMP)
	for b in benchmarks/bench_*.py; do $(BIN)/python $$b || exit 1; done

clean:
	rm -rf out .pytest_cache
