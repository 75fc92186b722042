package io.github.elbo4j.vi.glm;

import java.io.Serializable;

/**
 * Where each parameter of a {@link GeneralizedLinearModel} sits in a particle's parameter vector
 * θ, which follows the model's block order: intercept α (if any), the coefficients β, then σ (the
 * linear model only).
 *
 * @param parameters q, the length of θ
 * @param interceptIndex the index of α, or −1 without an intercept
 * @param firstCoefficient the index of β_1
 * @param sigmaIndex the index of σ, or −1 for families without one
 */
// Serializable: Spark ships it to the executors with each likelihood job.
public record GlmLayout(int parameters, int interceptIndex, int firstCoefficient, int sigmaIndex)
        implements Serializable {

    /**
     * The layout of a regression.
     *
     * @param family the response distribution
     * @param predictors p, the number of coefficients
     * @param intercept whether the model has α
     * @return the layout
     */
    public static GlmLayout of(GlmFamily family, int predictors, boolean intercept) {
        int first = intercept ? 1 : 0;
        int q = first + predictors + (family == GlmFamily.LINEAR ? 1 : 0);
        return new GlmLayout(q, intercept ? 0 : -1, first, family == GlmFamily.LINEAR ? q - 1 : -1);
    }
}
