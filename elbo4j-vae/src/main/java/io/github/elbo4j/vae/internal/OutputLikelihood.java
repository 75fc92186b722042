package io.github.elbo4j.vae.internal;

import io.github.elbo4j.vae.model.Likelihood;
import io.github.elbo4j.vae.model.MlpLayout;
import io.github.elbo4j.vae.model.TabularLayout;
import io.github.elbo4j.vae.model.VaeConfig;
import java.util.ArrayList;
import java.util.List;

/**
 * p(x|z) of the fused step's decoder, read from its output layer: the per-column log-likelihood,
 * and the loss's gradient with respect to the output and to the likelihood's own parameters (a
 * learned log σ). Each likelihood family is one class over a range of output rows; a tabular
 * record is the sum of its column groups ({@link GroupedRows}).
 *
 * <p>Buffers are feature-major, [features, ld] with one column per decoded sample, as in
 * {@link FusedElboStep}; {@code ld} is a whole number of vectors, and padding columns hold finite
 * values whose weight in the loss is 0.
 */
interface OutputLikelihood {

    /**
     * The likelihood of {@code config}'s model. The switch has no default: a likelihood without
     * its computation here does not compile.
     */
    static OutputLikelihood of(VaeConfig config, MlpLayout mlp) {
        return of(config, mlp.logScale());
    }

    /**
     * The likelihood of {@code config}'s model whose learned log σ, if any, starts at offset
     * {@code logScale} of the flat parameters (−1 for none).
     */
    static OutputLikelihood of(VaeConfig config, int logScale) {
        int features = config.inputSize();
        return switch (config.likelihood()) {
            case BERNOULLI -> new BernoulliRows(0, features);
            case GAUSSIAN -> GaussianRows.fixed(0, features, config.gaussianScale());
            case GAUSSIAN_LEARNED -> GaussianRows.learned(0, features, logScale, false);
            case GAUSSIAN_PER_FEATURE -> GaussianRows.learned(0, features, logScale, true);
            case CATEGORICAL, TABULAR -> columnGroups(config.tabular(), logScale);
        };
    }

    /**
     * The groups of a {@link Likelihood#TABULAR} or {@link Likelihood#CATEGORICAL} record, in the
     * decoder's output order: the numeric columns (learned σ per column), the binary ones, then
     * each one-hot group.
     */
    private static OutputLikelihood columnGroups(TabularLayout layout, int logScale) {
        List<OutputLikelihood> parts = new ArrayList<>();
        int numeric = layout.numeric();
        if (numeric > 0) {
            parts.add(GaussianRows.learned(0, numeric, logScale, true));
        }
        if (layout.binary() > 0) {
            parts.add(new BernoulliRows(numeric, numeric + layout.binary()));
        }
        if (layout.categories().length > 0) {
            parts.add(new CategoricalRows(layout.categoricalOffset(), layout.categories()));
        }
        return parts.size() == 1 ? parts.get(0) : new GroupedRows(parts);
    }

    /**
     * out[c] += log p(x_c | z_c) for every column c &lt; ld, this likelihood's share.
     *
     * @param p the flat parameters (for a learned σ)
     * @param outputT the decoder's output [features, ld]: logits or means
     * @param xT the data [features, ld], the same columns
     * @param ld columns, the row stride of both
     * @param out per-column sums
     */
    void addLogLikelihood(float[] p, float[] outputT, float[] xT, int ld, float[] out);

    /**
     * Writes gradT = a_c ∂(−log p(x_c|z_c))/∂output_c into this likelihood's rows of
     * {@code gradT}, with a_c = {@code columnWeight[c]} the column's weight in the loss, and
     * writes Σ_c a_c ∂(−log p(x_c|z_c))/∂θ into {@code gradient} for the likelihood's own
     * parameters θ (none for Bernoulli, categorical and fixed-σ Gaussian rows).
     */
    void gradient(
            float[] p, float[] outputT, float[] xT, float[] columnWeight, int ld, float[] gradT, float[] gradient);
}
