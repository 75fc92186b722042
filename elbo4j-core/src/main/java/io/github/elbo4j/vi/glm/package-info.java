/**
 * Bayesian generalized linear models (linear, logistic, Poisson regression) with command-line style
 * priors, ready for {@link io.github.elbo4j.vi.GaussianVi}; the models behind {@code elbo4j vi}.
 */
package io.github.elbo4j.vi.glm;
