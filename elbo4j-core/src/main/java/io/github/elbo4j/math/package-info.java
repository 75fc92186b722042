/**
 * Numerically stable tensor mathematics shared by the distributions, KL divergences and ELBO
 * estimators of elbo4j.
 *
 * <ul>
 *   <li>{@link io.github.elbo4j.math.LogSumExp}: {@code log Σ exp(x)} and {@code log (1/n) Σ
 *       exp(x)} with the max-shift trick, safe for {@code ±∞} entries.
 *   <li>{@link io.github.elbo4j.math.SpecialFunctions}: constants such as {@code log 2π}, an
 *       accurate {@code log1p} and a stable softplus for DJL tensors (DJL's {@code NDArray} has no
 *       {@code log1p}).
 *   <li>{@link io.github.elbo4j.math.LinearAlgebra}: batched lower-triangular solves (DJL has no
 *       triangular solve or Cholesky factorisation).
 *   <li>{@link io.github.elbo4j.math.Broadcasting}: NumPy/PyTorch broadcasting rules on {@link
 *       ai.djl.ndarray.types.Shape}s.
 *   <li>{@link io.github.elbo4j.math.ArrayScope}: the memory discipline every method of this
 *       library follows — temporaries are closed before the method returns, the result is attached
 *       to a documented "home" manager.
 * </ul>
 *
 * <p>Reference for the numerical techniques: N. J. Higham, <i>Accuracy and Stability of Numerical
 * Algorithms</i>, 2nd ed., SIAM 2002 (§1.14.1 for {@code log1p}, ch. 8 for triangular systems).
 */
package io.github.elbo4j.math;
