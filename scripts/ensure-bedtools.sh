#!/usr/bin/env bash
# Make sure the bedtools binary that pybedtools calls is installed (Debian's package).
set -euo pipefail
if command -v bedtools >/dev/null 2>&1; then
    exit 0
fi
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
    echo "bedtools not found: installing Debian's bedtools with apt-get" >&2
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq bedtools >/dev/null
    command -v bedtools >/dev/null && exit 0
fi
cat >&2 <<'MSG'
error: bedtools is not installed, and pybedtools needs its binary.
Install it with your system's package manager, for example:
    sudo apt-get install bedtools        (Debian/Ubuntu)
    conda install -c bioconda bedtools   (conda)
then rerun make.
MSG
exit 1
