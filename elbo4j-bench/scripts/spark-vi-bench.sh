#!/usr/bin/env bash
# SparkVi on Gelman and Hill's arsenic wells (logistic regression of switched on arsenic and dist)
# as a user runs it: the whole command in a fresh JVM on local[2], start-up and reading the CSV
# included, with the JVM's default JIT and with C1 only (-XX:TieredStopAtLevel=1, which spares a
# short command most of its compilation), against `elbo4j vi logistic` on the same file, in turn.
# Prints the median wall times and the Spark jobs, then each parameter's mean and sd side by side
# with the difference in posterior sds.
#   elbo4j-bench/scripts/spark-vi-bench.sh [RUNS (default 3)] [WELLS_CSV]
set -euo pipefail
cd "$(dirname "$0")/../.."
runs="${1:-3}"
wells="${2:-../shared/data/posteriordb/wells.csv}"
./mvnw -q -B -pl elbo4j-spark,elbo4j-cli -am -DskipTests package dependency:build-classpath \
  -Dmdep.includeScope=test -Dmdep.outputFile=target/bench-classpath.txt
opens=$(sed -n 's:.*<spark.java17.opens>\(.*\)</spark.java17.opens>.*:\1:p' elbo4j-spark/pom.xml)
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
echo "load before: $(uptime)"
spark_vi() {
  # shellcheck disable=SC2086
  java $opens --add-modules jdk.incubator.vector -Dai.djl.offline=true "$@" \
    -cp "elbo4j-spark/target/classes:$(cat elbo4j-spark/target/bench-classpath.txt)" \
    io.github.elbo4j.spark.SparkVi logistic --data "$wells" --y switched --x arsenic,dist --master 'local[2]'
}
timed() {
  local name=$1
  shift
  local start
  start=$(date +%s.%N)
  "$@" >"$out/$name.json" 2>"$out/$name.log"
  echo "$(date +%s.%N) - $start" | bc >"$out/$name.seconds"
}
for i in $(seq "$runs"); do
  timed "spark-$i" spark_vi
  timed "c1-$i" spark_vi -XX:TieredStopAtLevel=1
  timed "cli-$i" ./elbo4j vi logistic --data "$wells" --y switched --x arsenic,dist --json
done
echo "load after:  $(uptime)"
python3 - "$out" "$runs" <<'PY'
import json, statistics, sys
out, runs = sys.argv[1], int(sys.argv[2])
seconds = lambda kind: [float(open(f"{out}/{kind}-{i}.seconds").read()) for i in range(1, runs + 1)]
spark = json.load(open(f"{out}/spark-1.json"))
cli = json.load(open(f"{out}/cli-1.json"))
s, c = seconds("spark"), seconds("cli")
print(f"whole command, median of {runs} (min-max):")
k = seconds("c1")
print(f"  SparkVi local[2]      {statistics.median(s):6.2f} s ({min(s):.2f}-{max(s):.2f}), "
      f"{spark['spark_jobs']} Spark jobs in the fit, reliable={spark['reliable']}")
print(f"  the same, C1 JIT only {statistics.median(k):6.2f} s ({min(k):.2f}-{max(k):.2f})")
print(f"  elbo4j vi logistic    {statistics.median(c):6.2f} s ({min(c):.2f}-{max(c):.2f}), reliable={cli['reliable']}")
print(f"{'parameter':10} {'Spark mean':>12} {'CLI mean':>12} {'diff/sd':>8} {'Spark sd':>11} {'CLI sd':>11} {'sd ratio':>8}")
for name, p in cli["parameters"].items():
    q = spark["parameters"][name]
    print(f"{name:10} {q['mean']:12.6g} {p['mean']:12.6g} {(q['mean'] - p['mean']) / p['sd']:8.4f} "
          f"{q['sd']:11.5g} {p['sd']:11.5g} {q['sd'] / p['sd']:8.4f}")
PY
