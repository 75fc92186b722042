/**
 * Benchmarks of the Spark integration, run as main classes (see BENCHMARKS.md): scoring
 * throughput in {@code local[1]} against {@code local[2]}, Spark against single-machine VAE
 * training, and the distributed GLM fit against the single-machine fit on 1,000,000 records.
 */
package io.github.elbo4j.spark.bench;
