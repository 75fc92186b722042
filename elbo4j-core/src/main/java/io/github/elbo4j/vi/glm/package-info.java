/**
 * Bayesian generalized linear models (linear, logistic, Poisson regression) with command-line style
 * priors, ready for {@link io.github.elbo4j.vi.GaussianVi}; the models behind {@code elbo4j vi}. Their
 * log densities and gradients are closed-form Java ({@link io.github.elbo4j.vi.glm.GlmDensity},
 * {@link io.github.elbo4j.vi.glm.GlmLikelihood}), shared with the Spark module's partitions. For
 * logistic and Poisson regression the expected log joint under a Gaussian guide is also computed
 * exactly (Gauss-Hermite quadrature, closed forms), so that their fits are deterministic.
 * {@link io.github.elbo4j.vi.glm.GeneralizedLinearModel#fit} preconditions the fit affinely
 * ({@link io.github.elbo4j.vi.glm.Preconditioning}: centre, scale, QR, as rstanarm and brms do)
 * and reports the posterior on the original scale.
 */
package io.github.elbo4j.vi.glm;
