# cleanpipe: `make run` cleans raw/ into clean/; `make test` runs the test suite.
# Both create .venv and install what they need on a fresh machine.

PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
PIP := $(BIN)/python -m pip --disable-pip-version-check -q
RAW ?= raw
CLEAN ?= clean
RUN_FLAGS ?=

.PHONY: run run-local test bench bench-quality install install-test install-bench clean-output

# Stamp files: reinstall only when pyproject.toml changes.
$(VENV)/.installed: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(PIP) install --upgrade "pip>=24"
	$(PIP) install -e .
	touch $@

$(VENV)/.installed-test: $(VENV)/.installed pyproject.toml
	$(PIP) install -e '.[test]'
	touch $@

$(VENV)/.installed-bench: $(VENV)/.installed pyproject.toml
	$(PIP) install -e '.[bench]'
	touch $@

# Prefect's embedded server builds its SQLite database on first use (~9 s here); doing it
# at set-up keeps that out of the first `make run`.
$(VENV)/.prefect-db: $(VENV)/.installed
	DO_NOT_TRACK=1 PREFECT_SERVER_ANALYTICS_ENABLED=false $(BIN)/prefect server database upgrade -y >/dev/null
	touch $@

install: $(VENV)/.installed

install-test: $(VENV)/.installed-test

install-bench: $(VENV)/.installed-bench

run: install $(VENV)/.prefect-db  ## Clean raw/ into clean/ through the Prefect flow (embedded server)
	$(BIN)/cleanpipe run $(RAW) $(CLEAN) $(RUN_FLAGS)

run-local: install  ## The same batches in-process, without Prefect's start-up cost
	$(BIN)/cleanpipe run $(RAW) $(CLEAN) --no-prefect $(RUN_FLAGS)

test: install-test  ## The whole test suite, flow tests under prefect_test_harness included
	$(BIN)/python -m pytest $(PYTEST_ARGS)

BENCH_DATA ?= ../shared/data
BENCH_QUALITY_FLAGS ?=  # --sweep: also measure each trafilatura option (several times slower)

# The whole-process rows (bench/whole_process.py) time `cleanpipe run` itself, start-up included;
# BENCH_ARGS=--whole-only runs them alone.
bench: install  ## Throughput vs a naive baseline, 1 and 2 workers, memory at 10x scale, Prefect runners, whole `cleanpipe run`, cost vs issue 11's start (~1 h)
	BENCH_DATA=$(BENCH_DATA) $(BIN)/python bench/throughput.py --prefect $(BENCH_ARGS)
	$(BIN)/python bench/cost_vs_base.py --runs 3

bench-quality: install-bench  ## Extraction quality vs plain trafilatura on the public benchmarks, F1 and ROUGE-LSum (minutes; not in `make test`)
	$(BIN)/python bench/quality.py --data $(BENCH_DATA) $(BENCH_QUALITY_FLAGS)

clean-output:  ## Remove generated output under clean/
	rm -rf $(CLEAN)/articles $(CLEAN)/rejects $(CLEAN)/runs
