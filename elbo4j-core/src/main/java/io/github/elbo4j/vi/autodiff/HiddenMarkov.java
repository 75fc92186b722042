package io.github.elbo4j.vi.autodiff;

import java.util.Arrays;

/**
 * The marginal log likelihood of a hidden Markov model by the forward algorithm, one value on the
 * tape with its adjoint from the backward algorithm: {@link Functions#hmmMarginal}.
 *
 * <p>Why one operation and not a loop of {@code logSumExp}s in the model: the loop records some ten
 * values per time step (4,000 for 400 steps of two states), and each recorded value costs more
 * bookkeeping than its arithmetic. Here the forward pass is one loop over scaled probabilities (no
 * logarithm per element) and the adjoints are the smoothed state and transition probabilities of
 * the scaled backward pass (Rabiner, "A tutorial on hidden Markov models", Proc. IEEE 1989, §V.A):
 * with {@code â_t} the forward probabilities normalized by {@code c_t}, {@code b̂_t} the backward
 * ones scaled by the same constants and {@code ω̃} the emissions scaled by their column maximum,
 * {@code ∂L/∂log ω_t(k) = â_t(k) b̂_t(k)}, {@code ∂L/∂Γ_jk = Σ_t â_{t−1}(j) ω̃_t(k) b̂_t(k) / c_t}
 * and {@code ∂L/∂ρ_k = ω̃_1(k) b̂_1(k) / c_1}.
 */
final class HiddenMarkov {

    private HiddenMarkov() {}

    static Value marginal(Value logOmega, Value gamma, Value rho) {
        if (logOmega.shape.length != 2) {
            throw new IllegalArgumentException("hmmMarginal: logOmega must be a [K, N] matrix (a row per state, a"
                    + " column per time step), got shape " + Shape.describe(logOmega.shape));
        }
        int k = logOmega.shape[0];
        int n = logOmega.shape[1];
        if (gamma.shape.length != 2 || gamma.shape[0] != k || gamma.shape[1] != k) {
            throw new IllegalArgumentException("hmmMarginal: Gamma must be a [" + k + ", " + k + "] transition matrix"
                    + " for " + k + " states, got shape " + Shape.describe(gamma.shape));
        }
        if (rho.size() != k) {
            throw new IllegalArgumentException("hmmMarginal: rho must hold " + k + " initial weights for " + k
                    + " states, got shape " + Shape.describe(rho.shape));
        }
        if (n == 0) {
            throw new IllegalArgumentException("hmmMarginal: logOmega has no time step");
        }
        if (!nonNegative("Gamma", gamma) || !nonNegative("rho", rho)) {
            return result(logOmega, gamma, rho, Double.NaN, null);
        }
        double[] g = gamma.value;
        // omega[t * k + s]: the emission of state s at step t over the step's largest one
        double[] omega = new double[n * k];
        double[] alpha = new double[n * k];
        double[] scale = new double[n];
        double total = 0.0;
        for (int t = 0; t < n; t++) {
            double max = Double.NEGATIVE_INFINITY;
            for (int s = 0; s < k; s++) {
                max = Math.max(max, logOmega.value[s * n + t]);
            }
            if (!(max > Double.NEGATIVE_INFINITY && max < Double.POSITIVE_INFINITY)) {
                // NaN, or no state can emit this step (−∞), or an infinite emission density
                return result(logOmega, gamma, rho, Double.isNaN(max) ? Double.NaN : max, null);
            }
            double sum = 0.0;
            for (int s = 0; s < k; s++) {
                double w = Math.exp(logOmega.value[s * n + t] - max);
                omega[t * k + s] = w;
                double predicted;
                if (t == 0) {
                    predicted = rho.value[s];
                } else {
                    predicted = 0.0;
                    for (int j = 0; j < k; j++) {
                        predicted += alpha[(t - 1) * k + j] * g[j * k + s];
                    }
                }
                alpha[t * k + s] = w * predicted;
                sum += alpha[t * k + s];
            }
            if (!(sum > 0.0)) {
                return result(logOmega, gamma, rho, Double.NEGATIVE_INFINITY, null);
            }
            for (int s = 0; s < k; s++) {
                alpha[t * k + s] /= sum;
            }
            scale[t] = sum;
            total += Math.log(sum) + max;
        }
        return result(
                logOmega,
                gamma,
                rho,
                total,
                adjoint -> backward(adjoint[0], logOmega, gamma, rho, omega, alpha, scale));
    }

    /** The result; a non-finite one has zero partials (the draw is rejected, as Stan rejects it). */
    private static Value result(Value logOmega, Value gamma, Value rho, double value, Value.Backward backward) {
        return Value.derive(
                Shape.SCALAR, new double[] {value}, backward == null ? adjoint -> {} : backward, logOmega, gamma, rho);
    }

    private static void backward(
            double adjoint, Value logOmega, Value gamma, Value rho, double[] omega, double[] alpha, double[] scale) {
        int k = logOmega.shape[0];
        int n = logOmega.shape[1];
        double[] g = gamma.value;
        double[] byOmega = logOmega.adjoint();
        double[] byGamma = gamma.adjoint();
        double[] beta = new double[k];
        double[] next = new double[k];
        Arrays.fill(beta, 1.0);
        for (int t = n - 1; t >= 0; t--) {
            if (byOmega != null) {
                for (int s = 0; s < k; s++) {
                    byOmega[s * n + t] += adjoint * alpha[t * k + s] * beta[s];
                }
            }
            // w_s = ω̃_t(s) b̂_t(s) / c_t carries the step back to t − 1 (or to rho at t = 0)
            for (int s = 0; s < k; s++) {
                next[s] = omega[t * k + s] * beta[s] / scale[t];
            }
            if (t == 0) {
                if (rho.adjoint() != null) {
                    for (int s = 0; s < k; s++) {
                        rho.adjoint()[s] += adjoint * next[s];
                    }
                }
                break;
            }
            for (int j = 0; j < k; j++) {
                double carried = 0.0;
                double previous = alpha[(t - 1) * k + j];
                for (int s = 0; s < k; s++) {
                    carried += g[j * k + s] * next[s];
                    if (byGamma != null) {
                        byGamma[j * k + s] += adjoint * previous * next[s];
                    }
                }
                beta[j] = carried;
            }
        }
    }

    /**
     * Whether every weight is finite and non-negative. Data that is not is an error in the caller's
     * data; parameters that are not (a transform that overflowed) make the result NaN.
     */
    private static boolean nonNegative(String name, Value weights) {
        for (int i = 0; i < weights.value.length; i++) {
            if (!(weights.value[i] >= 0.0 && weights.value[i] < Double.POSITIVE_INFINITY)) {
                if (!weights.isConstant()) {
                    return false;
                }
                String index = weights.shape.length == 2
                        ? "[" + i / weights.shape[1] + ", " + i % weights.shape[1] + "]"
                        : "[" + i + "]";
                throw new IllegalArgumentException("hmmMarginal: " + name + index + " = " + weights.value[i]
                        + "; transition and initial weights must be finite and non-negative");
            }
        }
        return true;
    }
}
