#!/usr/bin/env bash
# Training throughput of the standard model (784-200-200-50 tanh, Bernoulli, batch 100, Adam 1e-3)
# on binarized MNIST, side by side in one run: elbo4j, the PyTorch reference (Debian python3-torch,
# same thread count) and Deeplearning4j 1.0.0-M2.1's VariationalAutoencoder layer (its own
# pretraining loop). Prints samples/s and the ratios. Needs a built tree, ELBO4J_DATA (or
# ~/.cache/elbo4j) holding binarized-mnist, and once: ./mvnw -q -f elbo4j-bench/dl4j/pom.xml package
# Usage: elbo4j-bench/scripts/training-vs-peers.sh [STEPS] [REPEATS] [THREADS]   (~2 min with the defaults;
# THREADS, default 1, is given to every peer alike)
set -euo pipefail
cd "$(dirname "$0")/../.."
# The launcher's malloc settings (see ./elbo4j), exported here so that every peer runs under them.
export MALLOC_MMAP_THRESHOLD_="${MALLOC_MMAP_THRESHOLD_:-8388608}"
export MALLOC_TRIM_THRESHOLD_="${MALLOC_TRIM_THRESHOLD_:-134217728}"
steps="${1:-500}"
repeats="${2:-3}"
threads="${3:-1}"
data="${ELBO4J_DATA:-$HOME/.cache/elbo4j}/binarized-mnist/train-images-idx3-ubyte.gz"

ours=$(./elbo4j bench --steps "$steps" --repeats "$repeats" --threads "$threads" \
  --pytorch elbo4j-bench/python/reference_vae.py --json 2>/dev/null)
dl4j=$(OMP_NUM_THREADS="$threads" OPENBLAS_NUM_THREADS="$threads" java -Xmx4g \
  -cp "elbo4j-bench/dl4j/target/classes:$(cat elbo4j-bench/dl4j/target/classpath.txt)" \
  io.github.elbo4j.bench.dl4j.Dl4jVaeBenchmark "$data" "$steps" "$repeats" 2>/dev/null \
  | sed -n 's/^dl4j samples_per_s \([0-9.]*\).*/\1/p')

python3 - "$ours" "$dl4j" "$threads" <<'PY'
import json, sys
ours = json.loads(sys.argv[1]); dl4j = float(sys.argv[2]); threads = int(sys.argv[3])
e, t = ours["elbo4j_samples_per_s"], ours["pytorch_samples_per_s"]
print(f"standard model, batch {ours['batch_size']}, {threads} thread{'s' if threads > 1 else ''} each")
print(f"  elbo4j   {e:9.0f} samples/s")
print(f"  PyTorch  {t:9.0f} samples/s   elbo4j / PyTorch = {e / t:.2f}x")
print(f"  DL4J     {dl4j:9.0f} samples/s   elbo4j / DL4J    = {e / dl4j:.2f}x")
PY
