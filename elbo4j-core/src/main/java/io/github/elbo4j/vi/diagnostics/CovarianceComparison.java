package io.github.elbo4j.vi.diagnostics;

import io.github.elbo4j.vi.DenseCholesky;

/**
 * q's covariance against the Laplace covariance at the mode, both over the unconstrained space: the
 * diagnostic beside k̂ that sees q too wide (k̂ cannot: the importance ratios of a q wider than the
 * posterior have light tails) and a mean-field q too narrow for a correlated posterior.
 *
 * <p>For a Gaussian posterior both agree exactly; a real posterior's skew or heavy tails move them
 * apart by a modest factor, so only large ratios count against a fit ({@link #TOO_WIDE}, {@link
 * #TOO_NARROW}).
 *
 * @param sdRatios per coordinate, sd under q over the Laplace marginal sd
 * @param klToLaplace KL(q ‖ Laplace) in nats; NaN if either covariance is singular
 */
public record CovarianceComparison(double[] sdRatios, double klToLaplace) {

    /** A q sd more than this many times the Laplace sd: q is too wide. */
    public static final double TOO_WIDE = 2.0;
    /** A q sd less than this fraction of the Laplace sd: q is too narrow. */
    public static final double TOO_NARROW = 0.6;

    /** Copies the ratios. */
    public CovarianceComparison {
        sdRatios = sdRatios.clone();
    }

    @Override
    public double[] sdRatios() {
        return sdRatios.clone();
    }

    /**
     * Compares N(μq, Σq) with N(μL, ΣL).
     *
     * @param qMean μq
     * @param qCovariance Σq
     * @param laplaceMode μL, the mode
     * @param laplaceCovariance ΣL, the inverse negative Hessian at the mode
     * @return the comparison
     */
    public static CovarianceComparison of(
            double[] qMean, double[][] qCovariance, double[] laplaceMode, double[][] laplaceCovariance) {
        int d = qMean.length;
        double[] ratios = new double[d];
        for (int i = 0; i < d; i++) {
            ratios[i] = Math.sqrt(qCovariance[i][i] / laplaceCovariance[i][i]);
        }
        return new CovarianceComparison(ratios, kl(qMean, qCovariance, laplaceMode, laplaceCovariance));
    }

    /** The index of the largest ratio. */
    public int widest() {
        int best = 0;
        for (int i = 1; i < sdRatios.length; i++) {
            if (!(sdRatios[i] <= sdRatios[best])) {
                best = i;
            }
        }
        return best;
    }

    /** The index of the smallest ratio. */
    public int narrowest() {
        int best = 0;
        for (int i = 1; i < sdRatios.length; i++) {
            if (!(sdRatios[i] >= sdRatios[best])) {
                best = i;
            }
        }
        return best;
    }

    /** ½ [tr(Σ₂⁻¹Σ₁) − D + Δᵀ Σ₂⁻¹ Δ + log det Σ₂ − log det Σ₁]; NaN if either is singular. */
    private static double kl(double[] m1, double[][] s1, double[] m2, double[][] s2) {
        int d = m1.length;
        double[][] l1 = DenseCholesky.tryFactor(s1);
        double[][] l2 = DenseCholesky.tryFactor(s2);
        if (l1 == null || l2 == null) {
            return Double.NaN;
        }
        double trace = 0;
        double[] column = new double[d];
        for (int j = 0; j < d; j++) {
            // tr(Σ₂⁻¹Σ₁) = ‖L₂⁻¹ L₁‖²_F, column by column.
            for (int i = 0; i < d; i++) {
                column[i] = l1[i][j];
            }
            trace += squaredNorm(DenseCholesky.solveLower(l2, column));
        }
        double[] delta = new double[d];
        for (int i = 0; i < d; i++) {
            delta[i] = m2[i] - m1[i];
        }
        double mahalanobis = squaredNorm(DenseCholesky.solveLower(l2, delta));
        return 0.5 * (trace - d + mahalanobis + DenseCholesky.logDeterminant(l2) - DenseCholesky.logDeterminant(l1));
    }

    private static double squaredNorm(double[] v) {
        double sum = 0;
        for (double x : v) {
            sum += x * x;
        }
        return sum;
    }
}
