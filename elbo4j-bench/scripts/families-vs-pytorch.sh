#!/usr/bin/env bash
# Training throughput of the model families beyond the standard one (conditional, learned σ,
# tabular) on the fused step, against the PyTorch reference of the same architecture (Debian
# python3-torch, reference_vae.py bench) and against elbo4j's own engine step
# (-Delbo4j.fused=false), at each thread count. Each round runs elbo4j fused, then PyTorch (both
# through `elbo4j bench --pytorch`), then elbo4j on the engine, so that the shared machine's load
# falls on all three alike; the ratios are taken round by round and their medians printed.
# The data are made here, once, under target/families-bench: binarized MNIST's training images
# with a label per image (the decile of its ink, 10 classes; the speed does not depend on what
# the labels mean), and a generated table of 50,000 rows (12 numeric columns driven by 3 latent
# factors, 4 binary, categorical columns of 4, 6 and 3 values, and a 5-valued column `region`
# used as the condition). Needs a built tree and ELBO4J_DATA (or ~/.cache/elbo4j) holding
# binarized-mnist.
# Usage: elbo4j-bench/scripts/families-vs-pytorch.sh [STEPS] [ROUNDS] [THREADS]
#   (STEPS 200 per repeat, 3 repeats; ROUNDS 3; THREADS "1 2": about 15 minutes on a quiet machine)
set -euo pipefail
cd "$(dirname "$0")/../.."
steps="${1:-200}"
rounds="${2:-3}"
threads="${3:-1 2}"
mnist="${ELBO4J_DATA:-$HOME/.cache/elbo4j}/binarized-mnist"
work=target/families-bench
mkdir -p "$work/labelled-mnist"
/usr/bin/python3 - "$mnist" "$work" <<'PY'
import gzip, os, struct, sys
import numpy as np
mnist, work = sys.argv[1], sys.argv[2]
images = os.path.join(work, "labelled-mnist", "train-images-idx3-ubyte.gz")
if not os.path.exists(images):
    os.symlink(os.path.abspath(os.path.join(mnist, "train-images-idx3-ubyte.gz")), images)
labels = os.path.join(work, "labelled-mnist", "train-labels-idx1-ubyte.gz")
if not os.path.exists(labels):
    raw = gzip.decompress(open(images, "rb").read())
    n = struct.unpack(">I", raw[4:8])[0]
    ink = np.frombuffer(raw, np.uint8, offset=16).reshape(n, -1).sum(1)
    deciles = np.searchsorted(np.quantile(ink, np.linspace(0.1, 0.9, 9)), ink, side="right")
    with gzip.open(labels, "wb") as f:
        f.write(struct.pack(">II", 0x801, n) + deciles.astype(np.uint8).tobytes())
table = os.path.join(work, "table.csv")
if not os.path.exists(table):
    rng = np.random.default_rng(0)
    n = 50_000
    factors = rng.normal(size=(n, 3))
    numeric = factors @ rng.normal(size=(3, 12)) + 0.3 * rng.normal(size=(n, 12))
    binary = (factors @ rng.normal(size=(3, 4)) + rng.normal(size=(n, 4)) > 0).astype(int)
    groups = [np.argmax(factors @ rng.normal(size=(3, k)) + rng.gumbel(size=(n, k)), 1) for k in (4, 6, 3)]
    region = rng.integers(0, 5, n)
    header = [f"x{j}" for j in range(12)] + [f"b{j}" for j in range(4)] + ["c0", "c1", "c2", "region"]
    with open(table, "w") as f:
        f.write(",".join(header) + "\n")
        for i in range(n):
            cells = [f"{v:.4f}" for v in numeric[i]] + [str(v) for v in binary[i]]
            cells += [f"g{g[i]}" for g in groups] + [f"r{region[i]}"]
            f.write(",".join(cells) + "\n")
PY
labelled="$work/labelled-mnist"
table="$work/table.csv"
families=(
  "conditional MNIST 784-200-200-50|--data $labelled --condition labels --latent 50"
  "learned σ per pixel, MNIST 784-200-200-50|--data $labelled --likelihood gaussian-per-feature --latent 50"
  "learned σ shared, MNIST 784-200-200-50|--data $labelled --likelihood gaussian-learned --latent 50"
  "tabular, 20 columns, 128-128-16|--data $table --likelihood tabular --hidden 128,128 --latent 16"
  "conditional tabular, 128-128-16|--data $table --likelihood tabular --condition region --hidden 128,128 --latent 16"
)
echo "load before: $(uptime | sed 's/.*load average: //')"
results=$(mktemp)
for n in $threads; do
  for family in "${families[@]}"; do
    name="${family%%|*}"
    read -r -a options <<< "${family#*|}"
    for round in $(seq "$rounds"); do
      fused=$(./elbo4j bench "${options[@]}" --steps "$steps" --repeats 3 --threads "$n" \
        --pytorch elbo4j-bench/python/reference_vae.py --json 2>/dev/null | tail -1)
      engine=$(ELBO4J_JAVA_OPTS=-Delbo4j.fused=false ./elbo4j bench "${options[@]}" --steps "$steps" \
        --repeats 3 --threads "$n" --json 2>/dev/null | tail -1)
      printf '%s\t%s\t%s\t%s\n' "$n" "$name" "$fused" "$engine" >> "$results"
    done
  done
done
echo "load after: $(uptime | sed 's/.*load average: //')"
/usr/bin/python3 - "$results" <<'PY'
import json, statistics, sys
rows = {}
for line in open(sys.argv[1]):
    n, name, fused, engine = line.rstrip("\n").split("\t")
    fused, engine = json.loads(fused), json.loads(engine)
    rows.setdefault((int(n), name), []).append(
        (fused["elbo4j_samples_per_s"], fused["pytorch_samples_per_s"], engine["elbo4j_samples_per_s"]))
print(f"{'model':45s}{'threads':>8s}{'fused/s':>10s}{'PyTorch/s':>11s}{'engine/s':>10s}"
      f"{'fused/PyTorch':>15s}{'fused/engine':>14s}")
for (n, name), runs in rows.items():
    med = lambda i: statistics.median(r[i] for r in runs)
    vs_torch = statistics.median(r[0] / r[1] for r in runs)
    vs_engine = statistics.median(r[0] / r[2] for r in runs)
    print(f"{name:45s}{n:8d}{med(0):10.0f}{med(1):11.0f}{med(2):10.0f}{vs_torch:14.2f}x{vs_engine:13.2f}x")
PY
