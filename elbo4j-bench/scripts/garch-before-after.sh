#!/usr/bin/env bash
# garch-before-after.sh: the GARCH(1,1) default fit of PosteriorDbBenchmark's speed section, timed
# with the current tree and with git ref REF, in alternating rounds, side by side.
#
# Usage: elbo4j-bench/scripts/garch-before-after.sh [REF [ROUNDS]]
#
#   REF     the commit to compare with (default e8ee85d, main before the branch vi-garch)
#   ROUNDS  rounds of one JVM per side, alternating after/before (default 3)
#
# Each JVM runs io.github.elbo4j.bench.posteriordb.GarchBenchmark (3 warm-up fits, then 10 timed
# default fits of the same 1,000 generated returns) and prints its median, minimum and maximum fit
# time, k̂ and the verdict. The driver is compiled with the current tree and put in front of REF's
# classes (it uses only public API that REF has too), so both sides run the same driver on their own
# library and model. REF is built (./mvnw -q -pl elbo4j-bench -am package -DskipTests; nothing is
# installed) in a temporary detached git worktree under target/, removed at the end; the current tree
# is built the same way first. Prints the load average before and after: compare the two sides'
# medians of one call, not figures of calls at different loads.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
ref="${1:-e8ee85d}"
rounds="${2:-3}"
case "$rounds" in ''|*[!0-9]*) echo "garch-before-after.sh: ROUNDS must be a number, got '$rounds'" >&2; exit 2 ;; esac
cd "$root"
git rev-parse --verify --quiet "$ref^{commit}" >/dev/null \
  || { echo "garch-before-after.sh: '$ref' is not a commit of this repository" >&2; exit 2; }

build() { ./mvnw -q -pl elbo4j-bench -am package -DskipTests -Dinvoker.skip=true; }

build
work="$root/target/garch-before-after"
rm -rf "$work"
mkdir -p "$work/driver/io/github/elbo4j/bench/posteriordb"
cp elbo4j-bench/target/classes/io/github/elbo4j/bench/posteriordb/GarchBenchmark*.class \
  "$work/driver/io/github/elbo4j/bench/posteriordb/"
git worktree add --quiet --detach "$work/before" "$ref"
trap 'git -C "$root" worktree remove --force "$work/before"' EXIT
(cd "$work/before" && build)

after_cp="elbo4j-cli/target/elbo4j.jar:elbo4j-bench/target/classes"
before_cp="$work/driver:$work/before/elbo4j-cli/target/elbo4j.jar:$work/before/elbo4j-bench/target/classes"
main=io.github.elbo4j.bench.posteriordb.GarchBenchmark
echo "load before: $(uptime)"
for round in $(seq 1 "$rounds"); do
  echo "round $round after  ($(git rev-parse --short HEAD)): $(java -cp "$after_cp" "$main" | grep median)"
  echo "round $round before ($ref): $(java -cp "$before_cp" "$main" | grep median)"
done
echo "load after: $(uptime)"
