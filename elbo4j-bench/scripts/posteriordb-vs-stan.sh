#!/usr/bin/env bash
# Stan's ADVI (rstan::vb mean-field and full-rank, defaults, SEEDS seeds) on every posterior of the
# posteriordb set, for the side-by-side table of PosteriorDbBenchmark (docs/posteriordb.md). Needs
# Debian's r-cran-rstan, r-cran-jsonlite and libboost-dev. Compiles each Stan program once (cached in
# OUT/cache; compile times apart, in OUT/stan-compile.csv) and runs at low priority; an interrupted
# run resumes. Writes OUT/stan-vb.csv.
# Usage: elbo4j-bench/scripts/posteriordb-vs-stan.sh [OUT [SEEDS]]
set -euo pipefail
cd "$(dirname "$0")/../.."
out="${1:-runs/posteriordb-stan}"
seeds="${2:-3}"
mkdir -p "$out"
# The set lives in shared/data beside the repository (or beside a folder above it).
dir="$(pwd)"
while [ "$dir" != / ] && [ ! -d "$dir/shared/data/posteriordb-set" ]; do dir="$(dirname "$dir")"; done
set_dir="$dir/shared/data/posteriordb-set"
[ -d "$set_dir" ] || { echo "posteriordb-vs-stan: no shared/data/posteriordb-set above $(pwd)" >&2; exit 1; }
. elbo4j-bench/scripts/rstan-env.sh
nice -n 19 Rscript elbo4j-bench/scripts/posteriordb-vs-stan.R "$set_dir" "$out" "$seeds"
