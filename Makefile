# epipair: two commands on a fresh machine.
#   make demo        set up .venv, then run the embedded demo end to end
#   make test        set up .venv, then lint and run the test suite (unit + end-to-end demo)
#   make test-fast   the unit tests only (no end-to-end Snakemake runs), a minute or two
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(abspath $(VENV))/bin
STAMP := $(VENV)/.installed
CORES ?= 2
export PATH := $(BIN):$(PATH)
export TF_CPP_MIN_LOG_LEVEL ?= 2
# one BLAS/OpenMP thread per process: scikit-learn and TensorFlow otherwise oversubscribe the
# cores (a 0.4 s gradient-boosting fit took 29 s inside the test suite)
export OMP_NUM_THREADS ?= 1

.PHONY: setup bedtools slurm-deps demo test test-fast bench lint dry-run lock clean

setup: $(STAMP) bedtools

$(STAMP): envs/requirements.txt pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --disable-pip-version-check -q -r envs/requirements.txt
	$(BIN)/pip install --disable-pip-version-check -q --no-deps -e .
	@echo "compiling memelite's Tomtom kernels once (numba, cached in the venv)"
	$(BIN)/python -c "from epipair.io.motifs import compile_tomtom; compile_tomtom()"
	touch $@

bedtools:
	@scripts/ensure-bedtools.sh

# a real one-node SLURM for tests/test_slurm.py (skipped where it cannot be installed)
slurm-deps:
	@scripts/ensure-slurm.sh

# one progress line per job (--quiet rules); each job's own log is under results/
demo: setup
	@start=$$(date +%s); \
	$(BIN)/snakemake --cores $(CORES) --configfile config/demo.yaml --replace-workflow-config \
		--quiet rules && \
	echo "demo done in $$(( $$(date +%s) - start )) s of workflow on $(CORES) cores." && \
	echo "results: $(CURDIR)/results (metrics.tsv, report/summary.md, report/*.png)" && \
	echo "report:  $(BIN)/snakemake --configfile config/demo.yaml --replace-workflow-config --report results/report.html"

# on both cores, a test file per worker at a time: the shared demo run (tests/test_workflow.py)
# on one, the rest on the other
test: setup slurm-deps lint
	$(BIN)/python -m pytest -n $(CORES) --dist loadfile --durations=12

test-fast: setup
	$(BIN)/python -m pytest -m "not slow"

# speed and memory figures against baselines measured in the same run -> results/benchmarks.tsv
bench: setup
	$(BIN)/python benchmarks/run.py

# ruff and snakefmt (pinned in envs/requirements.txt); `snakemake --lint` runs in the tests
lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/snakefmt --check Snakefile workflow/rules

# print resources/downloads.lock.tsv (checksums recorded at first download) as config entries
lock: setup
	@$(BIN)/python -m epipair.io.download lock resources/downloads.lock.tsv

dry-run: setup
	$(BIN)/snakemake -n --cores 8

clean:
	rm -rf results .snakemake resources/demo
