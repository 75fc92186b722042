/**
 * What a variational fit checks about itself: the comparison of q with the Laplace covariance at
 * the mode ({@link io.github.elbo4j.vi.diagnostics.CovarianceComparison}, the check for q too wide
 * that Pareto k̂ cannot make) and the verdict with its reasons ({@link
 * io.github.elbo4j.vi.diagnostics.Reliability}, built by {@link
 * io.github.elbo4j.vi.diagnostics.ReliabilityCheck}). See {@code docs/vi-fitting.md}.
 */
package io.github.elbo4j.vi.diagnostics;
