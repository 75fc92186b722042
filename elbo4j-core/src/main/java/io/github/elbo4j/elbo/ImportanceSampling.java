package io.github.elbo4j.elbo;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import io.github.elbo4j.math.ArrayScope;
import io.github.elbo4j.math.LogSumExp;
import io.github.elbo4j.math.SpecialFunctions;

/**
 * Importance-sampling estimates of the log evidence from log importance weights {@code log w_i =
 * log p(x, z_i) − log q(z_i | x)}, {@code z_i ~ q}:
 *
 * <pre>
 *   log Ẑ = log (1/n) Σ_i w_i = logMeanExp(log w)
 *   ESS   = (Σ_i w_i)² / Σ_i w_i² = exp(2 logSumExp(log w) − logSumExp(2 log w))
 * </pre>
 *
 * <p>Everything is computed in log space, so weights of magnitude {@code e^{±1000}} are fine. See
 * {@link LogEvidenceEstimate} for the standard error. References: Owen, <i>Monte Carlo theory,
 * methods and examples</i>, 2013, ch. 9; Burda et al., ICLR 2016, §5 (the IWAE log-likelihood
 * estimate).
 */
public final class ImportanceSampling {

    private ImportanceSampling() {}

    /**
     * The log-evidence estimate, its delta-method standard error and the effective sample size from
     * a 1-D tensor of log weights (copied to the JVM and reduced in double precision).
     *
     * @param logWeights shape {@code [n]}, n ≥ 1
     * @return the estimate
     * @throws IllegalArgumentException if the tensor is not 1-D or is empty, or holds NaN or +∞
     */
    public static LogEvidenceEstimate logEvidence(NDArray logWeights) {
        if (logWeights.getShape().dimension() != 1) {
            throw new IllegalArgumentException("logEvidence(NDArray) takes a 1-D tensor of log weights, got shape "
                    + logWeights.getShape()
                    + "; use logEvidence(logWeights, axis) for batches");
        }
        double[] values;
        if (logWeights.getDataType() == DataType.FLOAT64) {
            values = logWeights.toDoubleArray();
        } else if (logWeights.getDataType() == DataType.FLOAT32) {
            float[] floats = logWeights.toFloatArray();
            values = new double[floats.length];
            for (int i = 0; i < floats.length; i++) {
                values[i] = floats[i];
            }
        } else {
            try (ArrayScope scope = ArrayScope.open(logWeights.getManager(), logWeights)) {
                values = logWeights.toType(DataType.FLOAT64, true).toDoubleArray();
            }
        }
        return logEvidence(values);
    }

    /**
     * The log-evidence estimate from log weights in double precision.
     *
     * @param logWeights n ≥ 1 values; −∞ (zero weight) is allowed
     * @return the estimate
     * @throws IllegalArgumentException if empty, or if any entry is NaN or +∞
     */
    public static LogEvidenceEstimate logEvidence(double[] logWeights) {
        int n = logWeights.length;
        if (n == 0) {
            throw new IllegalArgumentException("logEvidence needs at least one log weight");
        }
        double max = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < n; i++) {
            double v = logWeights[i];
            if (Double.isNaN(v) || v == Double.POSITIVE_INFINITY) {
                throw new IllegalArgumentException("log weight "
                        + i
                        + " is "
                        + v
                        + "; log weights must be finite or −∞ (check that q has positive"
                        + " density wherever it is sampled and that log p is finite"
                        + " there)");
            }
            max = Math.max(max, v);
        }
        if (max == Double.NEGATIVE_INFINITY) {
            return new LogEvidenceEstimate(Double.NEGATIVE_INFINITY, Double.NaN, 0.0, n);
        }
        double sum = 0.0;
        double sumSquares = 0.0;
        for (double v : logWeights) {
            double r = Math.exp(v - max);
            sum += r;
            sumSquares += r * r;
        }
        double logEvidence = max + Math.log(sum) - Math.log(n);
        double ess = sum * sum / sumSquares;
        double standardError = n < 2 ? Double.NaN : Math.sqrt(Math.max(0.0, n / ess - 1.0) / (n - 1.0));
        return new LogEvidenceEstimate(logEvidence, standardError, ess, n);
    }

    /**
     * The log-evidence estimates of a batch: {@code logMeanExp} over the sample axis.
     *
     * @param logWeights log weights, e.g. shape {@code [n, B]}
     * @param axis the sample axis (negative counts from the end)
     * @return {@code log (1/n) Σ_i w_i}, the input shape without {@code axis}, attached to the
     *     weights' manager
     */
    public static NDArray logEvidence(NDArray logWeights, int axis) {
        return LogSumExp.logMeanExp(logWeights, axis);
    }

    /**
     * Kong's effective sample size of a batch, {@code exp(2 logSumExp(log w) − logSumExp(2 log
     * w))}, computed in log space.
     *
     * @param logWeights log weights, e.g. shape {@code [n, B]}
     * @param axis the sample axis (negative counts from the end)
     * @return the ESS, the input shape without {@code axis}, attached to the weights' manager
     */
    public static NDArray effectiveSampleSize(NDArray logWeights, int axis) {
        try (ArrayScope scope = ArrayScope.open(logWeights.getManager(), logWeights)) {
            NDArray lse = LogSumExp.logSumExp(logWeights, axis);
            NDArray lseSquares = LogSumExp.logSumExp(logWeights.mul(SpecialFunctions.scalar(logWeights, 2.0)), axis);
            return scope.ret(
                    lse.mul(SpecialFunctions.scalar(lse, 2.0)).sub(lseSquares).exp());
        }
    }
}
