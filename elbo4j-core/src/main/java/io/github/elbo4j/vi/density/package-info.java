/**
 * Log densities for models written with {@link io.github.elbo4j.vi.autodiff.Value}s, vectorized
 * over data, with Stan's names and parameterizations: import {@link
 * io.github.elbo4j.vi.density.Densities}{@code .*} statically.
 *
 * <p>Each density is one recorded value whose partial derivatives are written by hand and computed
 * only for its non-constant arguments (Stan Math's "operands and partials"), so a density over a
 * thousand records adds one value to the tape and costs one loop forward and one backward. The
 * implementation classes group the families whose loops have one shape: {@code LocationScale}
 * (normal, Student-t, Cauchy, double exponential, logistic, lognormal), {@code PositiveDensities},
 * {@code BoundedDensities}, {@code DiscreteDensities} and {@code MultivariateDensities}.
 */
package io.github.elbo4j.vi.density;
