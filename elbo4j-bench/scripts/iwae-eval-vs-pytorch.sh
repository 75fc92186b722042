#!/usr/bin/env bash
# IWAE-5000 evaluation time of one trained run, elbo4j against the PyTorch reference's own
# evaluator on the same weights, alternating the two sides ROUNDS times with 1 and with 2 threads
# each, so that the shared machine's load falls on both alike. Prints seconds and the speed-up per
# round. Each side takes LIMIT test images (elbo4j a seeded random subset, the reference the first
# ones): the time per image does not depend on which. elbo4j's seconds include its ELBO pass and
# its warm-up; the reference times its IWAE pass only.
# Usage: elbo4j-bench/scripts/iwae-eval-vs-pytorch.sh RUN [LIMIT] [ROUNDS]   (LIMIT 1000, ROUNDS 2:
# about 6 minutes)
set -euo pipefail
cd "$(dirname "$0")/../.."
run="${1:?usage: iwae-eval-vs-pytorch.sh RUN [LIMIT] [ROUNDS]}"
limit="${2:-1000}"
rounds="${3:-2}"
data="${ELBO4J_DATA:-$HOME/.cache/elbo4j}/binarized-mnist"
seconds() { python3 -c 'import json, sys; print(json.loads(sys.stdin.read().strip().splitlines()[-1])["seconds"])'; }
printf '%-6s%8s%11s%11s%10s\n' round threads "elbo4j s" "PyTorch s" speed-up
for round in $(seq "$rounds"); do
  for threads in 1 2; do
    ours=$(./elbo4j eval --run "$run" --k 5000 --limit "$limit" --threads "$threads" --json 2>/dev/null | seconds)
    theirs=$(/usr/bin/python3 elbo4j-bench/python/reference_vae.py bench-eval --data "$data" \
      --weights "$run/model.safetensors" --k 5000 --limit "$limit" --threads "$threads" --json 2>/dev/null | seconds)
    python3 -c "print(f'{$round:<6d}{$threads:8d}{$ours:11.2f}{$theirs:11.2f}{$theirs / $ours:9.2f}x')"
  done
done
