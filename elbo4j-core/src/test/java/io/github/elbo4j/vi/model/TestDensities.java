package io.github.elbo4j.vi.model;

import io.github.elbo4j.vi.autodiff.Value;

/**
 * The two log densities these tests need, composed from {@link Value} operations, until the
 * density library ({@code io.github.elbo4j.vi.density}) is merged.
 */
final class TestDensities {

    private static final double HALF_LOG_TWO_PI = 0.5 * Math.log(2 * Math.PI);

    private TestDensities() {}

    /** Σ log N(y; mu, sigma), broadcasting one-element arguments. */
    static Value normal(Value y, Value mu, Value sigma) {
        Value z = y.minus(mu).div(sigma);
        int n = Math.max(y.size(), Math.max(mu.size(), sigma.size()));
        Value logSigma = sigma.log().sum();
        Value scale = sigma.size() == 1 ? logSigma.times((double) n) : logSigma;
        return z.square().sum().times(-0.5).minus(scale).minus(n * HALF_LOG_TWO_PI);
    }

    static Value normal(Value y, double mu, double sigma) {
        return normal(y, Value.constant(mu), Value.constant(sigma));
    }

    /** Σ log Cauchy(y; mu, sigma) for a scalar scale. */
    static Value cauchy(Value y, double mu, double sigma) {
        Value z = y.minus(mu).div(sigma);
        return z.square().log1p().sum().negate().minus(y.size() * Math.log(Math.PI * sigma));
    }
}
