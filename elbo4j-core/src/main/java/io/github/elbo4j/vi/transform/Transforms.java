package io.github.elbo4j.vi.transform;

import io.github.elbo4j.vi.autodiff.Value;

/**
 * The constraint transforms {@code x = T(u)} on whole vectors, with their log absolute Jacobian
 * determinants, as functions of {@link Value}s so that gradients flow through both.
 *
 * <pre>
 *   lower bound a       x = a + exp(u)                    log|J| = Σ u
 *   upper bound b       x = b − exp(u)                    log|J| = Σ u
 *   interval (a, b)     x = a + (b − a) σ(u)              log|J| = Σ log(b − a) + log σ(u) + log σ(−u)
 *   ordered             x_1 = u_1, x_k = x_{k−1} + e^u_k  log|J| = Σ_{k≥2} u_k
 *   positive ordered    x_k = Σ_{j≤k} e^u_j               log|J| = Σ u
 *   simplex (K)         stick breaking from K − 1 values  log|J| = Σ_k log z_k + log(1 − z_k) + log r_k
 *   cholesky_factor_corr (K) from K(K−1)/2 values, through canonical partial correlations tanh(u)
 * </pre>
 *
 * <p>Bounds are {@link Value}s, so they may be data (constants) or functions of other parameters,
 * e.g. {@code x > mu}: the whole map from the unconstrained vector is then block-triangular (a
 * bound is declared before the parameter it bounds), so its log-determinant is still the sum of
 * each block's own {@code log|∂x/∂u|} computed here; the bound's gradient flows through {@code x}
 * and through the log-Jacobian. A bound broadcasts when it holds one element and otherwise has the
 * parameter's size.
 *
 * <p>For the simplex, {@code z_k = σ(u_k − log(K − k))} (1-based k, so that u = 0 maps to the uniform
 * point), {@code r_k = Π_{j<k} (1 − z_j)} is the stick left and {@code x_k = r_k z_k}, {@code x_K =
 * r_K}. For {@code cholesky_factor_corr}, {@code z = tanh(u)} fills the strictly lower triangle row
 * by row and row i of the factor is {@code L_i0 = z_i0}, {@code L_ij = z_ij √(1 − Σ_{m<j} L_im²)},
 * {@code L_ii = √(1 − Σ_{m<i} L_im²)}: each row has unit length, so {@code L Lᵀ} is a correlation
 * matrix (Stan Reference Manual, "Cholesky factors of correlation matrices"; Lewandowski, Kurowicka
 * and Joe, J. Multivariate Anal. 100, 2009).
 */
public final class Transforms {

    private static final Value ZERO = Value.constant(0.0);

    private Transforms() {}

    /** The identity: {@code x = u}, {@code log|J| = 0}. */
    public static Constrained identity(Value u) {
        return new Constrained(u, ZERO);
    }

    /** {@code x = lower + exp(u)}; {@code lower = 0} gives a positive parameter. */
    public static Constrained lowerBounded(Value u, Value lower) {
        Value e = u.exp();
        return new Constrained(isZero(lower) ? e : lower.plus(e), total(u));
    }

    /** {@code x = upper − exp(u)}. */
    public static Constrained upperBounded(Value u, Value upper) {
        return new Constrained(upper.minus(u.exp()), total(u));
    }

    /** {@code x = lower + (upper − lower) σ(u)}, e.g. a probability with bounds 0 and 1. */
    public static Constrained interval(Value u, Value lower, Value upper) {
        Value width = upper.minus(lower);
        Value x = lower.plus(width.times(u.invLogit()));
        // log σ(u) + log σ(−u), each without underflow in the tails.
        Value logDerivative = u.logInvLogit().plus(u.negate().logInvLogit()).sum();
        Value logWidth = width.log();
        Value logJacobian = logDerivative.plus(width.size() == 1 ? logWidth.times((double) u.size()) : logWidth.sum());
        return new Constrained(x, logJacobian);
    }

    /** Strictly increasing values: the first value, then the logs of the successive gaps. */
    public static Constrained ordered(Value u) {
        if (u.size() == 1) {
            return identity(u);
        }
        Value gaps = u.slice(1, u.size());
        return new Constrained(cumulativeSum(Value.concat(u.get(0), gaps.exp())), gaps.sum());
    }

    /** Strictly increasing positive values: the logs of the first value and of the successive gaps. */
    public static Constrained positiveOrdered(Value u) {
        return new Constrained(cumulativeSum(u.exp()), u.sum());
    }

    /**
     * The probability simplex of {@code u.size() + 1} components by stick breaking.
     *
     * @param u at least one value
     */
    public static Constrained simplex(Value u) {
        int k = u.size() + 1;
        double[] offsets = new double[k - 1];
        for (int i = 0; i < k - 1; i++) {
            offsets[i] = Math.log(k - 1 - i);
        }
        Value shifted = u.minus(Value.constant(offsets));
        Value logZ = shifted.logInvLogit();
        Value logOneMinusZ = shifted.negate().logInvLogit();
        // log r_k for k = 1..K: the running sum of log(1 − z_j), starting at log 1 = 0.
        Value logStick = cumulativeSum(Value.concat(ZERO, logOneMinusZ));
        Value x = logStick.plus(Value.concat(logZ, ZERO)).exp();
        Value logJacobian = logZ.sum()
                .plus(logOneMinusZ.sum())
                .plus(logStick.slice(0, k - 1).sum());
        return new Constrained(x, logJacobian);
    }

    /**
     * The Cholesky factor of a {@code K × K} correlation matrix, row-major, from {@code K(K − 1)/2}
     * unconstrained values; the log-Jacobian is that of the map onto the strictly lower triangle.
     *
     * @param u {@code K(K − 1)/2} values
     * @param k the dimension K, at least 1
     */
    public static Constrained choleskyFactorCorr(Value u, int k) {
        if (u.size() != k * (k - 1) / 2) {
            throw new IllegalArgumentException("cholesky_factor_corr of dimension " + k + " needs " + k * (k - 1) / 2
                    + " unconstrained values, got " + u.size());
        }
        Value z = u.tanh();
        // d tanh(u)/du = 1 − tanh²u = sech²u, whose log is 2 log 2 − 2|u| − 2 log(1 + e^{−2|u|}):
        // finite for any u, where log(1 − z²) is −∞ once tanh rounds to ±1 (|u| > 19).
        Value minusTwiceAbs = u.abs().times(-2.0);
        Value logJacobian =
                minusTwiceAbs.minus(minusTwiceAbs.log1pExp().times(2.0)).sum().plus(2 * Math.log(2) * u.size());
        Value[] entries = new Value[k * k];
        int next = 0;
        for (int i = 0; i < k; i++) {
            Value sumOfSquares = ZERO;
            for (int j = 0; j < i; j++) {
                Value zij = z.get(next++);
                if (j == 0) {
                    entries[i * k] = zij;
                } else {
                    Value stick = sumOfSquares.subtractedFrom(1.0);
                    entries[i * k + j] = zij.times(stick.sqrt());
                    logJacobian = logJacobian.plus(stick.log().times(0.5));
                }
                sumOfSquares = sumOfSquares.plus(entries[i * k + j].square());
            }
            entries[i * k + i] = i == 0
                    ? Value.constant(1.0)
                    : sumOfSquares.subtractedFrom(1.0).sqrt();
            for (int j = i + 1; j < k; j++) {
                entries[i * k + j] = ZERO;
            }
        }
        return new Constrained(Value.concat(entries), logJacobian);
    }

    /** The number of unconstrained values of a {@code K × K} Cholesky factor of a correlation matrix. */
    public static int choleskyFactorCorrSize(int k) {
        return k * (k - 1) / 2;
    }

    /** {@code y_i = Σ_{j≤i} x_j}; its adjoint rule is the reverse running sum. */
    static Value cumulativeSum(Value x) {
        double[] in = x.values();
        double[] out = new double[in.length];
        double total = 0.0;
        for (int i = 0; i < in.length; i++) {
            total += in[i];
            out[i] = total;
        }
        return Value.derive(
                new int[] {out.length},
                out,
                g -> {
                    double[] target = x.adjoint();
                    double tail = 0.0;
                    for (int i = g.length - 1; i >= 0; i--) {
                        tail += g[i];
                        target[i] += tail;
                    }
                },
                x);
    }

    /** The sum of the elements; a one-element value is its own sum, which saves a tape entry. */
    private static Value total(Value v) {
        return v.size() == 1 ? v : v.sum();
    }

    private static boolean isZero(Value v) {
        if (!v.isConstant()) {
            return false;
        }
        for (double x : v.values()) {
            if (x != 0.0) {
                return false;
            }
        }
        return true;
    }
}
