#!/usr/bin/env bash
# Gaussian VI side by side: elbo4j vs Stan's ADVI (rstan::vb, mean-field and full-rank) on linear
# regression, logistic regression (n = 1000, 5 predictors) and the non-centered eight schools,
# both judged against 40,000 NUTS draws. Needs Debian's r-cran-rstan and a built tree
# (./mvnw -q -DskipTests package). elbo4j runs with S = 5 particles and Stan's defaults for the
# ELBO draws (100) and the iteration cap (10,000); its library defaults are S = 20, 200 and 20,000.
# Usage: elbo4j-bench/scripts/vi-vs-stan.sh [OUT]
set -euo pipefail
cd "$(dirname "$0")/../.."
out="${1:-runs/vi-vs-stan}"
mkdir -p "$out"
. elbo4j-bench/scripts/rstan-env.sh
Rscript elbo4j-bench/scripts/vi-vs-stan.R prepare "$out"
java -Xmx2g -Dai.djl.offline=true -Dai.djl.pytorch.num_threads=1 -Dai.djl.pytorch.num_interop_threads=1 \
  -cp "elbo4j-cli/target/elbo4j.jar:elbo4j-bench/target/classes" io.github.elbo4j.bench.ViBenchmark "$out" \
  particles=5 elbo-draws=100 max-iterations=10000
Rscript elbo4j-bench/scripts/vi-vs-stan.R compare "$out"
