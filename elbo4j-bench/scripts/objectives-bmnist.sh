#!/usr/bin/env bash
# Issue 4, criterion 2: the standard model (784-200-200-50 tanh, Bernoulli, batch 100, Adam 1e-3)
# trained on statically binarized MNIST for the same number of epochs with the plain ELBO, the
# IWAE objective (K = 5) and the VampPrior (500 pseudo-inputs), each evaluated with IWAE-K on a
# seeded random subset of the test split (the test file is ordered by class).
#
#   elbo4j-bench/scripts/objectives-bmnist.sh DATA_ROOT [OUT]
#
# DATA_ROOT holds binarized-mnist/. EPOCHS (10), PATIENCE (0: off; with N > 0 training stops once
# the validation ELBO has not improved for N epochs and keeps the best epoch's weights),
# LR_SCHEDULE (constant; plateau:N lowers the learning rate tenfold after N epochs without
# improvement), KL_SCHEDULE (constant; linear:N warms the KL weight up over N epochs), K (5000),
# LIMIT (1000 test images; 10000 for the whole split), SEED (1) and VARIANTS ("elbo iwae vamp") can
# be set in the environment. Prints one line per variant.
#
# Quality runs (BENCHMARKS.md): EPOCHS=600 PATIENCE=30 LR_SCHEDULE=plateau:10 LIMIT=10000 VARIANTS="elbo iwae";
# the best plain-ELBO recipe there is two train commands (warm-up, then a schedule changed on resume).
set -euo pipefail
cd "$(dirname "$0")/../.."
data_root=${1:?usage: objectives-bmnist.sh DATA_ROOT [OUT]}
out=${2:-runs/objectives}
epochs=${EPOCHS:-10}
k=${K:-5000}
limit=${LIMIT:-1000}
seed=${SEED:-1}
patience=${PATIENCE:-0}
lr_schedule=${LR_SCHEDULE:-constant}
kl_schedule=${KL_SCHEDULE:-constant}
variants=${VARIANTS:-elbo iwae vamp}
mkdir -p "$out"
for variant in $variants; do
  case $variant in
    elbo) extra=() ;;
    iwae) extra=(--objective iwae --iwae-k 5) ;;
    vamp) extra=(--prior vamp --pseudo-inputs 500) ;;
  esac
  rm -rf "${out:?}/$variant"
  ./elbo4j train --data binarized-mnist --data-dir "$data_root" --hidden 200,200 --latent 50 \
      --activation tanh --batch-size 100 --lr 1e-3 --epochs "$epochs" --patience "$patience" \
      --lr-schedule "$lr_schedule" --kl-schedule "$kl_schedule" --seed "$seed" \
      --out "$out/$variant" --json "${extra[@]}" > "$out/$variant-train.json" 2> "$out/$variant-train.log"
  ./elbo4j eval --run "$out/$variant" --k "$k" --limit "$limit" --seed 3 --json \
      > "$out/$variant-eval.json" 2> "$out/$variant-eval.log"
  echo "$variant: $(cat "$out/$variant-eval.json")"
done
