/**
 * Apache Spark integration: Spark ML estimators and transformers that train VAEs data-parallel
 * ({@link io.github.elbo4j.spark.VaeEstimator}), score DataFrames with one model per executor JVM
 * ({@link io.github.elbo4j.spark.VaeTransformerModel}), and fit Bayesian GLMs by Gaussian
 * variational inference with the likelihood summed over partitions
 * ({@link io.github.elbo4j.spark.GaussianViEstimator}); plus {@code spark-submit} entry points.
 *
 * <p>Spark is a {@code provided} dependency: the cluster supplies it.
 */
package io.github.elbo4j.spark;
