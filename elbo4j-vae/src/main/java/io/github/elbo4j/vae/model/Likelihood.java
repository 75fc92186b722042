package io.github.elbo4j.vae.model;

import java.util.Arrays;
import java.util.Locale;

/** Observation model p(x|z) of the decoder. */
public enum Likelihood {
    /** Independent Bernoulli per feature; the decoder outputs logits. Data must lie in [0, 1]. */
    BERNOULLI,
    /** Independent Gaussian per feature with a fixed, configured σ; the decoder outputs the mean. */
    GAUSSIAN,
    /**
     * Independent Gaussian per feature with one learned σ shared by all features (weight
     * {@code decoder.log_scale} of shape [1], log σ, starting at the configured σ).
     */
    GAUSSIAN_LEARNED,
    /**
     * Independent Gaussian per feature with a learned σ_j per feature (weight
     * {@code decoder.log_scale} of shape [features], log σ_j, starting at the configured σ).
     */
    GAUSSIAN_PER_FEATURE,
    /**
     * Every column categorical: the record is a sequence of one-hot groups (a {@link TabularLayout}
     * with categorical columns only), the decoder outputs logits per group and p(x|z) is a product of
     * {@link io.github.elbo4j.distributions.OneHotCategorical} distributions.
     */
    CATEGORICAL,
    /**
     * Mixed-type records laid out by a {@link TabularLayout}: a Gaussian per standardized numeric
     * column with a learned σ_j per column (weight {@code decoder.log_scale} of shape [numeric], log σ_j,
     * starting at the configured σ, floored like {@link #GAUSSIAN_PER_FEATURE}), a Bernoulli per binary
     * column and a categorical distribution per one-hot group; log p(x|z) is the sum of the columns'
     * terms.
     */
    TABULAR;

    /**
     * Smallest learned σ: log σ is floored at log(0.001) so that a feature that never varies (an
     * always-black pixel) cannot drive its density to infinity.
     */
    public static final double MIN_LEARNED_SCALE = 1e-3;

    /** The lower-case name used on the command line and in {@code model.json}, e.g. {@code gaussian-learned}. */
    public String id() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /** Whether p(x|z) is Gaussian for every feature (the decoder outputs the mean). */
    public boolean gaussian() {
        return this == GAUSSIAN || this == GAUSSIAN_LEARNED || this == GAUSSIAN_PER_FEATURE;
    }

    /** Whether the record is laid out in column groups by a {@link TabularLayout} (categorical or tabular). */
    public boolean tabular() {
        return this == CATEGORICAL || this == TABULAR;
    }

    /**
     * Number of learned log σ values of a non-tabular likelihood: 0 (fixed σ or Bernoulli), 1
     * (global) or {@code features}; see {@link VaeConfig#learnedScales()} for every likelihood.
     */
    public int learnedScales(int features) {
        return switch (this) {
            case GAUSSIAN_LEARNED -> 1;
            case GAUSSIAN_PER_FEATURE -> features;
            default -> 0;
        };
    }

    /**
     * Parses {@code bernoulli}, {@code gaussian}, {@code gaussian-learned}, {@code gaussian-per-feature},
     * {@code categorical} or {@code tabular}.
     */
    public static Likelihood parse(String text) {
        for (Likelihood l : values()) {
            if (l.id().equalsIgnoreCase(text.trim())) {
                return l;
            }
        }
        throw new IllegalArgumentException("unknown likelihood '" + text + "'; choose one of "
                + Arrays.stream(values()).map(Likelihood::id).toList());
    }
}
