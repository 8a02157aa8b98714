#!/usr/bin/env bash
# For the SLURM test (tests/test_slurm.py): install Debian's slurm-wlm and munge when missing.
# Without root or apt-get it only says so; the test then skips with that reason.
set -uo pipefail
if command -v slurmctld >/dev/null 2>&1 && command -v munged >/dev/null 2>&1; then
    exit 0
fi
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
    echo "installing Debian's slurm-wlm and munge for the SLURM test" >&2
    export DEBIAN_FRONTEND=noninteractive
    { apt-get update -qq && apt-get install -y -qq slurm-wlm munge >/dev/null; } \
        || echo "warning: could not install slurm-wlm/munge; the SLURM test will skip" >&2
else
    echo "note: slurm-wlm and munge are not installed (needs root and apt-get); the SLURM test will skip" >&2
fi
exit 0
