#!/usr/bin/env bash
# Runs one of the Spark benchmark mains in io.github.elbo4j.spark.bench with the module's test
# classpath (Spark is `provided`) and the Java 17 --add-opens flags Spark needs.
#   elbo4j-bench/scripts/spark-bench.sh ScoringBenchmark --rows 10000 --k 50 --partitions 8
#   elbo4j-bench/scripts/spark-bench.sh GlmBenchmark --rows 1000000
#   elbo4j-bench/scripts/spark-bench.sh TrainingComparison --epochs 10 --partitions 2
set -euo pipefail
cd "$(dirname "$0")/../.."
main="$1"
shift
./mvnw -q -B -pl elbo4j-spark -am -DskipTests package dependency:build-classpath \
  -Dmdep.includeScope=test -Dmdep.outputFile=target/bench-classpath.txt
opens=$(sed -n 's:.*<spark.java17.opens>\(.*\)</spark.java17.opens>.*:\1:p' elbo4j-spark/pom.xml)
# shellcheck disable=SC2086
exec java -Xmx6g $opens -Dai.djl.offline=true -Dai.djl.pytorch.num_threads=1 -Dai.djl.pytorch.num_interop_threads=1 \
  -cp "elbo4j-spark/target/classes:$(cat elbo4j-spark/target/bench-classpath.txt)" \
  "io.github.elbo4j.spark.bench.$main" "$@"
