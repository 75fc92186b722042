#!/usr/bin/env bash
# Training throughput of the VampPrior model (784-200-200-50 tanh, Bernoulli, 500 pseudo-inputs,
# batch 100, Adam 1e-3) on binarized MNIST, side by side: elbo4j's fused step, elbo4j's engine step
# (-Delbo4j.fused=false) and the PyTorch reference (elbo4j-bench/python/reference_vae.py bench
# --prior vamp), each at the same thread count, in ROUNDS interleaved rounds (fused, engine,
# PyTorch, then again) so that a drift in the machine's speed reaches all three alike. Each run
# reports the median samples/s of its REPEATS timed epochs of STEPS steps (elbo4j's first epoch, the
# VampPrior's N(0, I) warm-up, is not timed); the script prints every round and the medians.
# Needs a built tree (./mvnw -q -DskipTests package), ELBO4J_DATA (or ~/.cache/elbo4j) holding
# binarized-mnist, and python3 with torch (PYTHON, default /usr/bin/python3, as `elbo4j bench --python`; Debian: python3-torch).
# Usage: elbo4j-bench/scripts/vamp-vs-pytorch.sh [STEPS] [REPEATS] [THREADS] [ROUNDS] [PSEUDO_INPUTS]
#   (defaults 200 3 1 3 500; about 5 minutes at one thread on a quiet machine)
set -euo pipefail
cd "$(dirname "$0")/../.."
export MALLOC_MMAP_THRESHOLD_="${MALLOC_MMAP_THRESHOLD_:-8388608}"
export MALLOC_TRIM_THRESHOLD_="${MALLOC_TRIM_THRESHOLD_:-134217728}"
steps="${1:-200}"
repeats="${2:-3}"
threads="${3:-1}"
rounds="${4:-3}"
pseudo="${5:-500}"
python="${PYTHON:-/usr/bin/python3}"
data="${ELBO4J_DATA:-$HOME/.cache/elbo4j}/binarized-mnist"
model=(--hidden 200,200 --latent 50 --activation tanh --prior vamp --pseudo-inputs "$pseudo")

elbo4j_rate() {
  ELBO4J_JAVA_OPTS="$1" ./elbo4j bench "${model[@]}" --steps "$steps" --repeats "$repeats" \
    --threads "$threads" --json 2>/dev/null | python3 -c 'import json,sys; print(json.loads(sys.stdin.read().strip().splitlines()[-1])["elbo4j_samples_per_s"])'
}
pytorch_rate() {
  "$python" elbo4j-bench/python/reference_vae.py bench --data "$data" --hidden 200,200 --latent 50 \
    --activation tanh --prior vamp --pseudo-inputs "$pseudo" --steps "$steps" --repeats "$repeats" \
    --threads "$threads" --json 2>/dev/null | python3 -c 'import json,sys; print(json.loads(sys.stdin.read().strip().splitlines()[-1])["samples_per_s"])'
}

fused=() engine=() torch=()
for ((r = 1; r <= rounds; r++)); do
  fused+=("$(elbo4j_rate "")")
  engine+=("$(elbo4j_rate "-Delbo4j.fused=false")")
  torch+=("$(pytorch_rate)")
  echo "round $r: fused ${fused[-1]}  engine ${engine[-1]}  PyTorch ${torch[-1]} samples/s  (load $(cut -d' ' -f1-3 /proc/loadavg))"
done

python3 - "$threads" "$pseudo" "${fused[*]}" "${engine[*]}" "${torch[*]}" <<'PY'
import statistics, sys
threads, pseudo = int(sys.argv[1]), int(sys.argv[2])
fused, engine, torch = ([float(v) for v in a.split()] for a in sys.argv[3:6])
f, e, t = statistics.median(fused), statistics.median(engine), statistics.median(torch)
ratios = sorted(a / b for a, b in zip(fused, torch))
print(f"VampPrior ({pseudo} pseudo-inputs), 784-200-200-50 tanh, batch 100, {threads} thread{'s' if threads > 1 else ''} each; medians of {len(fused)} rounds")
print(f"  elbo4j fused   {f:8.0f} samples/s   fused / PyTorch  = {f / t:.2f}x (per round {', '.join(f'{r:.2f}' for r in ratios)})")
print(f"  elbo4j engine  {e:8.0f} samples/s   fused / engine   = {f / e:.2f}x")
print(f"  PyTorch        {t:8.0f} samples/s   engine / PyTorch = {e / t:.2f}x")
PY
