/**
 * The pieces of a Gaussian variational fit that need nothing but the log density f(z) and its
 * gradient ({@link io.github.elbo4j.vi.UnconstrainedDensity}): the mode and the Laplace
 * approximation ({@link io.github.elbo4j.vi.fit.ModeFinder}), the change of variables that whitens
 * the posterior near the mode ({@link io.github.elbo4j.vi.fit.AffineDensity}), DADVI's
 * moment-matched fixed draws ({@link io.github.elbo4j.vi.fit.MomentMatchedNoise}) and Pathfinder
 * ({@link io.github.elbo4j.vi.fit.Pathfinder}). {@link io.github.elbo4j.vi.GaussianVi} assembles
 * them; see {@code docs/vi-fitting.md}.
 */
package io.github.elbo4j.vi.fit;
