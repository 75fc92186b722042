#!/usr/bin/env bash
# bit-identical.sh: proves that a change left VAE training bit-identical (issue 20, acceptance 1).
#
# Usage: elbo4j-bench/scripts/bit-identical.sh [--baseline REF] [--cache DIR] [--data-dir DIR]
#                                              [--only NAME[,NAME...]] [--tree DIR]
#
# Trains a fixed set of small runs (2 epochs, --seed 11) with the command line of git ref REF and
# with the current working tree, and compares their files:
#   model.safetensors  every tensor's dtype, shape and bytes, and the metadata except run_id (a
#                      random UUID) and elbo4j_crc32c (its checksum covers the run id);
#   metrics.jsonl      every row and field except the clock and memory columns seconds,
#                      samples_per_s and rss_mb.
# Prints one line per run, "NAME identical" or "NAME DIFFERENT: FILE: first difference", and exits
# 1 if any run differs or fails (a failed run's train.log is kept and named), 0 if all are identical.
#
# The runs: standard, iwae-dreg, beta-annealed, free-bits, conv, vamp, conditional,
# gaussian-learned and early-stopping on a slice of binarized MNIST (500 training, 100
# validation and 100 test images; the conditional run's labels are the record index mod 10, since
# the dataset has none), tabular on examples/tabular.csv and gaussian-per-feature on
# examples/regression.csv (both as of REF), each with --threads 1 (NAME-t1) and 2 (NAME-t2).
#
# Options:
#   --baseline REF  the commit to compare with (default 32bac44, the tree before issue 20's
#                   refactoring). Its CLI is built in a temporary detached git worktree
#                   (./mvnw -q -DskipTests -pl elbo4j-cli -am package; nothing is installed) only
#                   when its outputs are not cached yet.
#   --cache DIR     where the baseline's outputs are kept, in DIR/<REF's short hash>/ (default
#                   runs/bit-identical). A run is retrained only if its files or its arguments there
#                   are missing or changed. The current tree's runs go to a DIR/current.* folder,
#                   removed when all runs are identical.
#   --data-dir DIR  the folder holding binarized-mnist/ (default: the nearest shared/data beside
#                   the repository or one of its parents, then $ELBO4J_DATA, then ~/.cache/elbo4j).
#   --only NAMES    train and compare only these runs (comma-separated, e.g. conv-t1,vamp-t2).
#   --tree DIR      the working tree to check (default: the one holding this script), e.g. another
#                   git worktree that does not have the script yet.
#   -h, --help      print this help.
#
# The current tree's CLI (elbo4j-cli/target/elbo4j.jar, run through ./elbo4j) is built first if it
# is missing or older than a pom.xml or a file under a module's src/main. Environment:
# ELBO4J_JAVA_OPTS is passed to both sides' launchers.
set -euo pipefail
script_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$script_dir/../.." && pwd)"

usage() { sed -n '2,/^set -euo/{/^set -euo/d;s/^# \{0,1\}//;p}' "${BASH_SOURCE[0]}"; }
fail() { echo "bit-identical.sh: $*" >&2; exit 2; }

baseline_ref=32bac44
cache_root=""
data_dir=""
only=""
while [ $# -gt 0 ]; do
  case "$1" in
    -h|--help) usage; exit 0 ;;
    --baseline|--cache|--data-dir|--only|--tree)
      [ $# -ge 2 ] && [ -n "$2" ] || fail "$1 needs a value"
      case "$1" in
        --baseline) baseline_ref="$2" ;;
        --cache) cache_root="$(mkdir -p "$2" && cd "$2" && pwd)" ;;
        --data-dir) data_dir="$2" ;;
        --only) only="$2" ;;
        --tree) root="$(cd "$2" && pwd)" || fail "--tree: $2 is not a folder" ;;
      esac
      shift 2 ;;
    *) fail "unknown argument '$1' (see --help)" ;;
  esac
done

cache_root="${cache_root:-$root/runs/bit-identical}"
cd "$root"
commit="$(git rev-parse --verify --quiet "$baseline_ref^{commit}")" || fail "--baseline: '$baseline_ref' is not a commit"
cache="$cache_root/$(git rev-parse --short=7 "$commit")"

# NAME|ARGUMENTS: $DATA stands for the data folder, so that the recorded arguments do not depend on
# where the cache is. Every run also gets --seed 11, --threads and, unless it sets them, --epochs 2.
runs=(
  'standard|--data $DATA/digits'
  'iwae-dreg|--data $DATA/digits --objective iwae --iwae-k 5 --iwae-gradient dreg'
  'beta-annealed|--data $DATA/digits --beta 2 --kl-schedule linear:2'
  'free-bits|--data $DATA/digits --free-bits 0.5'
  'conv|--data $DATA/digits --architecture conv --channels 8,16 --hidden 64'
  'vamp|--data $DATA/digits --prior vamp --pseudo-inputs 50'
  'conditional|--data $DATA/digits --condition labels'
  'gaussian-learned|--data $DATA/digits --likelihood gaussian-learned'
  'early-stopping|--data $DATA/digits --epochs 4 --lr 0.02 --lr-schedule plateau:1 --patience 2'
  'tabular|--data $DATA/tabular.csv --likelihood tabular --latent 4 --valid-fraction 0.2'
  'gaussian-per-feature|--data $DATA/regression.csv --likelihood gaussian-per-feature --gaussian-scale 0.5 --hidden 16 --latent 2'
)

names=()
declare -A arguments
for run in "${runs[@]}"; do
  for threads in 1 2; do
    name="${run%%|*}-t$threads"
    [ -z "$only" ] || [[ ",$only," == *",$name,"* ]] || continue
    names+=("$name")
    args="${run#*|} --seed 11 --threads $threads"
    [[ " $args " == *" --epochs "* ]] || args="--epochs 2 $args"
    arguments[$name]="$args"
  done
done
[ ${#names[@]} -gt 0 ] || fail "--only: no run named '$only' (see --help for the names)"

# The folder holding binarized-mnist: --data-dir, else as the tests look for shared/data, else
# where named datasets live.
find_mnist() {
  local dir="$root" candidate
  if [ -n "$data_dir" ]; then
    candidate="$data_dir"
  else
    while [ "$dir" != / ] && [ ! -d "$dir/shared/data/binarized-mnist" ]; do dir="$(dirname "$dir")"; done
    for candidate in "$dir/shared/data" "${ELBO4J_DATA:-}" "$HOME/.cache/elbo4j" ""; do
      if [ -n "$candidate" ] && [ -d "$candidate/binarized-mnist" ]; then break; fi
    done
    [ -n "$candidate" ] || fail "binarized-mnist not found (shared/data, \$ELBO4J_DATA, ~/.cache/elbo4j); pass --data-dir"
  fi
  for split in train valid; do
    [ -f "$candidate/binarized-mnist/$split-images-idx3-ubyte.gz" ] \
      || fail "$candidate/binarized-mnist/$split-images-idx3-ubyte.gz not found"
  done
  echo "$candidate/binarized-mnist"
}

# Big-endian 32-bit integer, as IDX headers hold them.
be32() { printf "$(printf '\\x%02x\\x%02x\\x%02x\\x%02x' $(($1 >> 24 & 255)) $(($1 >> 16 & 255)) $(($1 >> 8 & 255)) $(($1 & 255)))"; }

# IDX images file TARGET: COUNT 28x28 records of SOURCE (gzipped IDX) from record FIRST on.
idx_slice() {
  local source=$1 first=$2 count=$3 target=$4
  { printf '\x00\x00\x08\x03'; be32 "$count"; be32 28; be32 28
    (set +o pipefail; gzip -dc "$source" | head -c $((16 + (first + count) * 784)) | tail -c $((count * 784))); } >"$target"
  [ "$(wc -c <"$target")" -eq $((16 + count * 784)) ] || fail "$source holds fewer than $((first + count)) records"
}

# IDX labels file TARGET: COUNT labels, the record index mod 10.
idx_labels() {
  local count=$1 target=$2 i
  { printf '\x00\x00\x08\x01'; be32 "$count"
    for ((i = 0; i < count; i++)); do printf "\\x$(printf %02x $((i % 10)))"; done; } >"$target"
}

# The runs' data, the same bytes on every call: written once into the cache, next to the baseline,
# and recorded with each run's arguments, so that changing it here retrains the baseline.
data="$cache/data"
data_spec="digits: train 0-499 of train, valid 0-99 and test 100-199 of valid; labels: index mod 10"
if [ "$(cat "$data/complete" 2>/dev/null)" != "$data_spec" ]; then
  mnist="$(find_mnist)"
  rm -rf "$data" && mkdir -p "$data/digits"
  idx_slice "$mnist/train-images-idx3-ubyte.gz" 0 500 "$data/digits/train-images-idx3-ubyte"
  idx_slice "$mnist/valid-images-idx3-ubyte.gz" 0 100 "$data/digits/valid-images-idx3-ubyte"
  idx_slice "$mnist/valid-images-idx3-ubyte.gz" 100 100 "$data/digits/test-images-idx3-ubyte"
  idx_labels 500 "$data/digits/train-labels-idx1-ubyte"
  idx_labels 100 "$data/digits/valid-labels-idx1-ubyte"
  idx_labels 100 "$data/digits/test-labels-idx1-ubyte"
  git show "$commit:examples/tabular.csv" >"$data/tabular.csv"
  git show "$commit:examples/regression.csv" >"$data/regression.csv"
  printf '%s\n' "$data_spec" >"$data/complete"
fi

# Trains run NAME with LAUNCHER into OUT/NAME/: model.safetensors, metrics.jsonl, the arguments
# (with $DATA unexpanded) and train.log; the rest of the run directory is removed.
train() {
  local launcher=$1 out=$2 name=$3 words
  rm -rf "${out:?}/$name" && mkdir -p "$out/$name"
  read -ra words <<<"${arguments[$name]}"
  if ! "$launcher" train --out "$out/$name/run" "${words[@]//\$DATA/$data}" >"$out/$name/train.log" 2>&1; then
    echo "bit-identical.sh: $name failed; see $out/$name/train.log" >&2
    return 1
  fi
  mv "$out/$name/run/model.safetensors" "$out/$name/run/metrics.jsonl" "$out/$name/" || return 1
  rm -rf "${out:?}/$name/run"
  printf '%s\n%s\n' "${arguments[$name]}" "$data_spec" >"$out/$name/arguments"
}

cached() {
  [ -f "$cache/$1/model.safetensors" ] && [ -f "$cache/$1/metrics.jsonl" ] \
    && [ "$(cat "$cache/$1/arguments" 2>/dev/null)" = "$(printf '%s\n%s' "${arguments[$1]}" "$data_spec")" ]
}

tmp="$(mktemp -d)"
baseline_tree="$tmp/baseline"
new=""
cleanup() {
  if [ -d "$baseline_tree" ]; then git -C "$root" worktree remove --force "$baseline_tree" || true; fi
  rm -rf "$tmp" ${new:+"$new"}
}
trap cleanup EXIT
trap 'exit 130' INT TERM

missing=()
for name in "${names[@]}"; do cached "$name" || missing+=("$name"); done
if [ ${#missing[@]} -gt 0 ]; then
  echo "bit-identical.sh: training ${#missing[@]} baseline runs with $baseline_ref ($commit) into $cache" >&2
  git worktree add --quiet --detach "$baseline_tree" "$commit"
  (cd "$baseline_tree" && ./mvnw -q -DskipTests -pl elbo4j-cli -am package) || fail "building $baseline_ref failed"
  # Trained beside the cache and moved in whole, so that an interrupted call leaves no half run.
  new="$(mktemp -d "$cache/.new.XXXXXX")"
  for name in "${missing[@]}"; do
    train "$baseline_tree/elbo4j" "$new" "$name" \
      || { tail -n 20 "$new/$name/train.log" >&2; fail "the baseline cannot be produced"; }
    rm -rf "${cache:?}/$name" && mv "$new/$name" "$cache/$name"
  done
  rm -rf "$new"
fi

jar="$root/elbo4j-cli/target/elbo4j.jar"
if [ ! -f "$jar" ] || [ -n "$(find "$root"/pom.xml "$root"/elbo4j-*/pom.xml "$root"/elbo4j-*/src/main \
    -newer "$jar" -print -quit 2>/dev/null)" ]; then
  echo "bit-identical.sh: building the current tree's command line" >&2
  ./mvnw -q -DskipTests -pl elbo4j-cli -am package || fail "building the current tree failed"
fi

current="$(mktemp -d "$cache_root/current.XXXXXX")"
start=$SECONDS
for name in "${names[@]}"; do train "$root/elbo4j" "$current" "$name" || true; done
echo "bit-identical.sh: ${#names[@]} runs of the current tree trained in $((SECONDS - start)) s" >&2

if java -cp "$jar" "$script_dir/BitIdentical.java" "$cache" "$current" "${names[@]}"; then
  rm -rf "$current"
else
  echo "bit-identical.sh: the current tree's runs are kept in $current" >&2
  exit 1
fi
