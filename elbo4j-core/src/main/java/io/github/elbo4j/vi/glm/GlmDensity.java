package io.github.elbo4j.vi.glm;

import io.github.elbo4j.vi.UnconstrainedDensity;
import java.util.List;

/**
 * The {@link UnconstrainedDensity} of a regression with a closed-form gradient, wherever its
 * likelihood is computed (in memory for {@link GeneralizedLinearModel}, by a Spark job in the Spark
 * module). Every block is a scalar; σ, the only constrained one, is {@code exp(u)}:
 *
 * <pre>
 *   f(u) = log p(θ) + s · Σ_i log p(y_i | θ) + u_σ,   θ = u except σ = exp(u_σ)
 *   ∂f/∂u_j = ∂/∂θ_j [log p(θ) + s Σ_i log p(y_i | θ)],   ∂f/∂u_σ = σ · ∂/∂σ[…] + 1
 * </pre>
 *
 * with s = 1 for the full data and s = n/m for a minibatch of m records. The intercept's prior
 * applies to the centred intercept {@code α + Σ_j x̄_j β_j} (see {@link
 * GeneralizedLinearModel#interceptPriorCentre()}), every other prior to its own parameter.
 */
public final class GlmDensity implements UnconstrainedDensity {

    /** Adds the log likelihood (and its gradient in θ) of the given records; see {@link GlmLikelihood}. */
    @FunctionalInterface
    public interface Likelihood {
        /**
         * Adds each particle's log likelihood.
         *
         * @param theta constrained parameters {@code [particles][q]}
         * @param particles S
         * @param records the records to sum over (with repetitions), or null for all
         * @param values accumulates {@code [particles]}
         * @param gradient accumulates {@code [particles][q]}, or null
         */
        void accumulate(double[] theta, int particles, int[] records, double[] values, double[] gradient);
    }

    private final GlmLayout layout;
    private final RegressionPrior[] priors;
    private final double[] interceptCentre;
    private final int records;
    private final Likelihood likelihood;
    private final boolean batchesPayOff;

    /**
     * Creates the density.
     *
     * @param layout where α, β and σ sit
     * @param priors the prior of each parameter, in θ's order
     * @param interceptCentre x̄, where the intercept's prior is evaluated at {@code α + Σ_j x̄_j β_j}
     *     ({@code [p]}; zeros put it on the raw intercept, ignored without an intercept)
     * @param records n, the number of records (the minibatch scale is n/m)
     * @param likelihood computes the likelihood and its gradient
     * @param batchesPayOff whether each call of {@code likelihood} has a large fixed cost, such as a
     *     Spark job ({@link UnconstrainedDensity#batchesPayOff()})
     */
    public GlmDensity(
            GlmLayout layout,
            List<RegressionPrior> priors,
            double[] interceptCentre,
            int records,
            Likelihood likelihood,
            boolean batchesPayOff) {
        if (priors.size() != layout.parameters()) {
            throw new IllegalArgumentException(priors.size() + " priors for " + layout.parameters() + " parameters");
        }
        this.interceptCentre = layout.interceptIndex() >= 0 ? interceptCentre.clone() : new double[0];
        this.layout = layout;
        this.priors = priors.toArray(RegressionPrior[]::new);
        this.records = records;
        this.likelihood = likelihood;
        this.batchesPayOff = batchesPayOff;
    }

    @Override
    public boolean batchesPayOff() {
        return batchesPayOff;
    }

    @Override
    public void evaluate(double[] z, int count, int[] subset, double[] logDensity, double[] gradient) {
        int q = layout.parameters();
        int sigma = layout.sigmaIndex();
        double[] theta = new double[count * q];
        System.arraycopy(z, 0, theta, 0, count * q);
        if (sigma >= 0) {
            for (int s = 0; s < count; s++) {
                theta[s * q + sigma] = Math.exp(z[s * q + sigma]);
            }
        }
        double[] values = new double[count];
        double[] thetaGradient = gradient == null ? null : new double[count * q];
        likelihood.accumulate(theta, count, subset, values, thetaGradient);
        double scale = subset == null ? 1.0 : (double) records / subset.length;
        int intercept = layout.interceptIndex();
        int first = layout.firstCoefficient();
        for (int s = 0; s < count; s++) {
            double f = scale * values[s];
            if (gradient != null) {
                for (int j = 0; j < q; j++) {
                    gradient[s * q + j] = scale * thetaGradient[s * q + j];
                }
            }
            for (int j = 0; j < q; j++) {
                double value = theta[s * q + j];
                if (j == intercept) {
                    for (int k = 0; k < interceptCentre.length; k++) {
                        value += interceptCentre[k] * theta[s * q + first + k];
                    }
                }
                f += priors[j].logDensity(value, j == sigma);
                if (gradient != null) {
                    double slope = priors[j].logDensityDerivative(value);
                    gradient[s * q + j] += slope;
                    if (j == intercept) {
                        for (int k = 0; k < interceptCentre.length; k++) {
                            gradient[s * q + first + k] += interceptCentre[k] * slope;
                        }
                    }
                }
            }
            if (sigma >= 0) {
                f += z[s * q + sigma];
                if (gradient != null) {
                    gradient[s * q + sigma] = gradient[s * q + sigma] * theta[s * q + sigma] + 1.0;
                }
            }
            logDensity[s] = f;
        }
    }
}
