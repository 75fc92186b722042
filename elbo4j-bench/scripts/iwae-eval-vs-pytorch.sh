#!/usr/bin/env bash
# IWAE evaluation of one trained run, elbo4j's `eval` against the PyTorch reference's `eval`
# (reference_vae.py) on the same weights and the same test images, at K = 50, 500 and 5000 with 1
# and 2 threads each, the two sides alternating so that the shared machine's load falls on both
# alike. Both commands compute the same things: the single-sample analytic-KL ELBO, its terms,
# active units and the IWAE-K estimate of log p(x). Printed per (K, threads):
#   - "pass": each side's own `seconds`. elbo4j's is its evaluation (one pass that yields the ELBO
#     and the IWAE-K bound, JIT warm-up included), after the JVM has started and read the model
#     and the data; the reference's runs from the start of its `eval` function: reading the
#     weights and the data, its ELBO pass and its IWAE pass (after Python has imported torch).
#   - "command": the wall time of each whole command, start-up and reading included.
# Usage: elbo4j-bench/scripts/iwae-eval-vs-pytorch.sh RUN [LIMIT] [ROUNDS]
#   LIMIT: test images (default: all 10,000; fewer are a seeded random subset on each side)
#   ROUNDS: repetitions of the whole grid (default 1)
#   KS="50 500 5000" and THREADS="1 2" choose the grid.
# On the whole test split one round takes about 30 minutes, two thirds of it the reference's K = 5000.
set -euo pipefail
cd "$(dirname "$0")/../.."
run="${1:?usage: iwae-eval-vs-pytorch.sh RUN [LIMIT] [ROUNDS]}"
limit="${2:-10000}"
rounds="${3:-1}"
data="${ELBO4J_DATA:-$HOME/.cache/elbo4j}/binarized-mnist"
now() { date +%s.%N; }
field() { python3 -c 'import json, sys; print(json.loads(sys.stdin.read().strip().splitlines()[-1])[sys.argv[1]])' "$1"; }
printf '%-6s%6s%8s%7s | %-29s | %-29s\n' round K threads images \
  "pass: elbo4j  PyTorch   ratio" "command: elbo4j PyTorch ratio"
for round in $(seq "$rounds"); do
  for k in ${KS:-50 500 5000}; do
    for threads in ${THREADS:-1 2}; do
      start=$(now)
      ours_json=$(./elbo4j eval --run "$run" --k "$k" --limit "$limit" --threads "$threads" --json 2>/dev/null)
      ours_command=$(python3 -c "print($(now) - $start)")
      start=$(now)
      theirs_json=$(/usr/bin/python3 elbo4j-bench/python/reference_vae.py eval --data "$data" \
        --weights "$run/model.safetensors" --k "$k" --limit "$limit" --threads "$threads" --json 2>/dev/null)
      theirs_command=$(python3 -c "print($(now) - $start)")
      ours=$(field seconds <<<"$ours_json")
      theirs=$(field seconds <<<"$theirs_json")
      n=$(field n <<<"$ours_json")
      python3 -c "
print(f'{$round:<6d}{$k:6d}{$threads:8d}{$n:7d} | {$ours:8.2f}{$theirs:9.2f}{$theirs / $ours:8.2f}x   | '
      f'{$ours_command:8.2f}{$theirs_command:8.2f}{$theirs_command / $ours_command:7.2f}x')"
    done
  done
done
