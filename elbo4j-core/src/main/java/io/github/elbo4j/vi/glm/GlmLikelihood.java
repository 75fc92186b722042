package io.github.elbo4j.vi.glm;

import io.github.elbo4j.math.SpecialFunctions;

/**
 * The log likelihood of regression records and its closed-form gradient in θ, in plain doubles:
 * the one kernel behind {@link GeneralizedLinearModel}'s fit and the Spark module's partitions.
 *
 * <pre>
 *   η = α + β·x
 *   linear     ℓ = −½ z² − log σ − ½ log 2π,  z = (y − η)/σ    ∂ℓ/∂η = z/σ,  ∂ℓ/∂σ = (z² − 1)/σ
 *   logistic   ℓ = y η − softplus(η)                           ∂ℓ/∂η = y − logistic(η)
 *   poisson    ℓ = y η − exp(η) − log y!                       ∂ℓ/∂η = y − exp(η)
 *   ∂ℓ/∂α = ∂ℓ/∂η,  ∂ℓ/∂β_j = ∂ℓ/∂η · x_j
 * </pre>
 */
public final class GlmLikelihood {

    private GlmLikelihood() {}

    /**
     * Adds each particle's log likelihood over the records, and optionally its gradient.
     *
     * @param family the response distribution
     * @param layout where α, β and σ sit in θ
     * @param x predictors, row-major {@code [rows][predictors]}
     * @param y responses
     * @param logFactorial log y! for Poisson, else unused (may be null)
     * @param theta parameters on the constrained scale, row-major {@code [particles][q]}
     * @param particles S
     * @param subset record indices to sum over (with repetitions), or null for all of {@code y}
     * @param values accumulates Σ_i ℓ_i per particle, {@code [particles]}
     * @param gradient accumulates ∂/∂θ Σ_i ℓ_i, {@code [particles][q]}; null for values only
     */
    public static void accumulate(
            GlmFamily family,
            GlmLayout layout,
            double[] x,
            double[] y,
            double[] logFactorial,
            double[] theta,
            int particles,
            int[] subset,
            double[] values,
            double[] gradient) {
        int q = layout.parameters();
        int p = y.length == 0 ? 0 : x.length / y.length;
        int count = subset == null ? y.length : subset.length;
        int a = layout.interceptIndex();
        int b = layout.firstCoefficient();
        int c = layout.sigmaIndex();
        for (int s = 0; s < particles; s++) {
            int t = s * q;
            double alpha = a >= 0 ? theta[t + a] : 0;
            double sigma = c >= 0 ? theta[t + c] : 1;
            double logSigma = Math.log(sigma);
            double total = 0;
            double dAlpha = 0;
            double dSigma = 0;
            for (int k = 0; k < count; k++) {
                int i = subset == null ? k : subset[k];
                int r = i * p;
                double eta = alpha;
                for (int j = 0; j < p; j++) {
                    eta += theta[t + b + j] * x[r + j];
                }
                double yi = y[i];
                double dEta;
                switch (family) {
                    case LINEAR -> {
                        double z = (yi - eta) / sigma;
                        total += -0.5 * z * z - logSigma - SpecialFunctions.HALF_LOG_2PI;
                        dEta = z / sigma;
                        dSigma += (z * z - 1) / sigma;
                    }
                    case LOGISTIC -> {
                        // One exponential serves both: softplus(η) = max(η, 0) + log(1 + e^−|η|) and
                        // the logistic function (the derivative of softplus). log(1 + e) rather than
                        // log1p(e): the absolute error is still an ulp of 1 (all a sum of log
                        // likelihoods needs), and Math.log is a fast intrinsic where log1p is not.
                        double e = Math.exp(-Math.abs(eta));
                        total += yi * eta - (Math.max(eta, 0) + Math.log(1 + e));
                        // Values alone (a fit's 1,000 output draws and k-hat) skip the division.
                        dEta = gradient == null ? 0 : yi - (eta >= 0 ? 1 / (1 + e) : e / (1 + e));
                    }
                    default -> {
                        double rate = Math.exp(eta);
                        total += yi * eta - rate - logFactorial[i];
                        dEta = yi - rate;
                    }
                }
                if (gradient != null) {
                    dAlpha += dEta;
                    for (int j = 0; j < p; j++) {
                        gradient[t + b + j] += dEta * x[r + j];
                    }
                }
            }
            values[s] += total;
            if (gradient != null) {
                if (a >= 0) {
                    gradient[t + a] += dAlpha;
                }
                if (c >= 0) {
                    gradient[t + c] += dSigma;
                }
            }
        }
    }
}
