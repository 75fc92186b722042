#!/usr/bin/env bash
# Runs one of the Spark benchmark mains in io.github.elbo4j.spark.bench with the module's test
# classpath (Spark is `provided`), the Java 17 --add-opens flags Spark needs and the Vector API
# flags of the elbo4j launcher (Spark 4.1's launcher adds the module too), so that both sides of a
# comparison run the fused code as `elbo4j train` and `elbo4j eval` do.
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
vector=(--add-modules jdk.incubator.vector -Djdk.incubator.vector.VECTOR_ACCESS_OOB_CHECK=0
  -XX:CompileCommand=quiet -XX:CompileCommand=inline,io.github.elbo4j.vae.internal.VectorMath::*)
exec java -Xmx6g "${vector[@]}" $opens -Dai.djl.offline=true -Dai.djl.pytorch.num_threads=1 -Dai.djl.pytorch.num_interop_threads=1 \
  -cp "elbo4j-spark/target/classes:$(cat elbo4j-spark/target/bench-classpath.txt)" \
  "io.github.elbo4j.spark.bench.$main" "$@"
