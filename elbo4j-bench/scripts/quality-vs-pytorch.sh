#!/usr/bin/env bash
# Trains the standard model (784-200-200-50 tanh, Bernoulli, batch 100, Adam 1e-3) on statically
# binarized MNIST with elbo4j and with the PyTorch reference for the same number of epochs,
# evaluates both on the whole test set with IWAE-K, and evaluates elbo4j's exported weights with
# the PyTorch reference (same weights, two implementations).
#
#   elbo4j-bench/scripts/quality-vs-pytorch.sh DATA_ROOT [OUT]
#
# DATA_ROOT holds binarized-mnist/ (train/valid/test IDX files). EPOCHS (50) and K (5000) can be
# set in the environment. The two trainings run at the same time, one thread each.
set -euo pipefail
cd "$(dirname "$0")/../.."
data_root=${1:?usage: quality-vs-pytorch.sh DATA_ROOT [OUT]}
out=${2:-runs/quality}
epochs=${EPOCHS:-50}
k=${K:-5000}
seed=${SEED:-1}
python=${PYTHON:-/usr/bin/python3}
reference=elbo4j-bench/python/reference_vae.py
mkdir -p "$out"
rm -rf "$out/elbo4j"

./elbo4j train --data binarized-mnist --data-dir "$data_root" --hidden 200,200 --latent 50 \
    --activation tanh --batch-size 100 --lr 1e-3 --epochs "$epochs" --seed "$seed" --threads 1 \
    --out "$out/elbo4j" --json > "$out/elbo4j-train.json" 2> "$out/elbo4j-train.log" &
elbo4j_pid=$!
"$python" "$reference" train --data "$data_root/binarized-mnist" --hidden 200,200 --latent 50 \
    --activation tanh --batch-size 100 --lr 1e-3 --epochs "$epochs" --seed "$seed" --threads 1 \
    --out "$out/pytorch.safetensors" --json > "$out/pytorch-train.json" 2> "$out/pytorch-train.log" &
pytorch_pid=$!
wait "$elbo4j_pid"
wait "$pytorch_pid"

./elbo4j eval --run "$out/elbo4j" --k "$k" --threads 1 --json > "$out/elbo4j-eval.json" 2> /dev/null &
a=$!
"$python" "$reference" eval --data "$data_root/binarized-mnist" --weights "$out/pytorch.safetensors" \
    --k "$k" --split test --threads 1 --json > "$out/pytorch-eval.json" 2> /dev/null &
b=$!
wait "$a"
wait "$b"
"$python" "$reference" eval --data "$data_root/binarized-mnist" --weights "$out/elbo4j/model.safetensors" \
    --k "$k" --split test --threads 2 --json > "$out/pytorch-on-elbo4j-weights.json" 2> /dev/null

"$python" - "$out" <<'PY'
import json, sys
out = sys.argv[1]
def last(path):
    with open(path) as f:
        return json.loads(f.read().strip().splitlines()[-1])
rows = [("elbo4j (own weights)", last(f"{out}/elbo4j-eval.json")),
        ("PyTorch (own weights)", last(f"{out}/pytorch-eval.json")),
        ("PyTorch on elbo4j's weights", last(f"{out}/pytorch-on-elbo4j-weights.json"))]
print(f"{'':30s} {'test ELBO':>10s} {'log p(x)':>10s} {'± se':>6s} {'K':>6s}")
for name, r in rows:
    print(f"{name:30s} {r['elbo']:10.2f} {r['loglik']:10.2f} {r.get('loglik_se', float('nan')):6.2f} {r['k']:6d}")
PY
