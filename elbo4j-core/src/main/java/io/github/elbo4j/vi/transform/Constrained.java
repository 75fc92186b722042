package io.github.elbo4j.vi.transform;

import io.github.elbo4j.vi.autodiff.Value;

/**
 * The result of a constraint transform {@code x = T(u)}: the constrained values and the log
 * absolute determinant of the transform's Jacobian, which a log density over {@code u} must add.
 *
 * @param value the constrained values {@code x}, a vector (the caller gives it the block's shape)
 * @param logJacobian {@code log |det ∂x/∂u|}, a scalar; for the simplex and the Cholesky factor of a
 *     correlation matrix, the determinant of the map onto the free coordinates (all components of
 *     the simplex but the last; the strictly lower triangle of the factor)
 */
public record Constrained(Value value, Value logJacobian) {}
