# epipair: two commands on a fresh machine.
#   make demo   set up .venv, then run the embedded demo end to end
#   make test   set up .venv, then run the test suite (unit + end-to-end demo)
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(abspath $(VENV))/bin
STAMP := $(VENV)/.installed
CORES ?= 2
export PATH := $(BIN):$(PATH)
export TF_CPP_MIN_LOG_LEVEL ?= 2

.PHONY: setup bedtools slurm-deps demo test bench lint dry-run lock clean

setup: $(STAMP) bedtools

$(STAMP): envs/requirements.txt pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --disable-pip-version-check -q -r envs/requirements.txt
	$(BIN)/pip install --disable-pip-version-check -q --no-deps -e .
	touch $@

bedtools:
	@scripts/ensure-bedtools.sh

# a real one-node SLURM for tests/test_slurm.py (skipped where it cannot be installed)
slurm-deps:
	@scripts/ensure-slurm.sh

demo: setup
	$(BIN)/snakemake --cores $(CORES) --configfile config/demo.yaml

test: setup slurm-deps
	$(BIN)/python -m pytest

# speed and memory figures against baselines measured in the same run -> results/benchmarks.tsv
bench: setup
	$(BIN)/python benchmarks/run.py

lint: setup
	$(BIN)/snakemake --lint --configfile config/demo.yaml
	$(BIN)/snakemake --lint

# print resources/downloads.lock.tsv (checksums recorded at first download) as config entries
lock: setup
	@$(BIN)/python -m epipair.download lock resources/downloads.lock.tsv

dry-run: setup
	$(BIN)/snakemake -n --cores 8

clean:
	rm -rf results .snakemake resources/demo
