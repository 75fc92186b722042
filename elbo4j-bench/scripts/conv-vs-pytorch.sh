#!/usr/bin/env bash
# Training throughput of the convolutional VAE (--architecture conv --channels 32,64 --hidden 256
# --latent 16, tanh, Bernoulli, batch 100, Adam 1e-3) on binarized MNIST, side by side with the
# PyTorch reference of the same architecture (Debian python3-torch with OpenBLAS, same thread
# count), at 1 and 2 threads. Each round runs elbo4j and then the reference (`elbo4j bench
# --pytorch`), so the two see the same machine; the ratio of each round is printed, then the
# median over rounds. Needs a built tree (./mvnw -q -DskipTests package) and ELBO4J_DATA (or
# ~/.cache/elbo4j) holding binarized-mnist.
# Usage: elbo4j-bench/scripts/conv-vs-pytorch.sh [STEPS] [REPEATS] [ROUNDS]   (defaults 100 3 3:
# about 6 minutes on a quiet 2-core machine: six rounds of about 40,000 samples per tool)
set -euo pipefail
cd "$(dirname "$0")/../.."
export MALLOC_MMAP_THRESHOLD_="${MALLOC_MMAP_THRESHOLD_:-8388608}"
export MALLOC_TRIM_THRESHOLD_="${MALLOC_TRIM_THRESHOLD_:-134217728}"
steps="${1:-100}"
repeats="${2:-3}"
rounds="${3:-3}"
results=()
for threads in 1 2; do
  for round in $(seq "$rounds"); do
    results+=("$(./elbo4j bench --data binarized-mnist --architecture conv --channels 32,64 --hidden 256 \
      --latent 16 --steps "$steps" --repeats "$repeats" --threads "$threads" \
      --pytorch elbo4j-bench/python/reference_vae.py --json 2>/dev/null | tail -n 1)")
  done
done

python3 - "${results[@]}" <<'PY'
import json, statistics, sys
rows = [json.loads(a) for a in sys.argv[1:]]
print("conv VAE 32,64 / 256 / 16, tanh, Bernoulli, batch 100: samples/s")
print(f"{'threads':>7}  {'elbo4j':>8}  {'PyTorch':>8}  {'ratio':>6}")
for threads in sorted({r["elbo4j_threads"] for r in rows}):
    mine = [r for r in rows if r["elbo4j_threads"] == threads]
    for r in mine:
        print(f"{threads:>7}  {r['elbo4j_samples_per_s']:8.0f}  {r['pytorch_samples_per_s']:8.0f}  {r['ratio']:5.2f}x")
    print(f"{threads:>7}  median ratio of {len(mine)} rounds: {statistics.median(r['ratio'] for r in mine):.2f}x")
PY
