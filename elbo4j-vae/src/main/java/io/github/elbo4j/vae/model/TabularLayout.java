package io.github.elbo4j.vae.model;

import java.util.Arrays;

/**
 * How the features of a tabular record are grouped for the {@link Likelihood#TABULAR} and
 * {@link Likelihood#CATEGORICAL} likelihoods, in the order the decoder outputs them: first the
 * {@code numeric} standardized numbers (Gaussian, learned σ per column), then the {@code binary} 0/1
 * flags (Bernoulli, one logit each), then one one-hot block per categorical column (categorical, one
 * logit per category).
 *
 * @param numeric number of numeric columns
 * @param binary number of binary columns
 * @param categories number of categories of each categorical column, in order
 */
public record TabularLayout(int numeric, int binary, int[] categories) {

    /** Validates and defensively copies. */
    public TabularLayout {
        if (numeric < 0 || binary < 0) {
            throw new IllegalArgumentException(
                    "column counts must be ≥ 0, got " + numeric + " numeric and " + binary + " binary");
        }
        categories = categories.clone();
        for (int k : categories) {
            if (k < 1) {
                throw new IllegalArgumentException(
                        "every categorical column needs at least one category, got " + Arrays.toString(categories));
            }
        }
        if (numeric + binary + categories.length == 0) {
            throw new IllegalArgumentException("a tabular layout needs at least one column");
        }
    }

    /** The layout of records encoded by {@code schema}. */
    public static TabularLayout of(io.github.elbo4j.data.TabularSchema schema) {
        return new TabularLayout(schema.numericCount(), schema.binaryCount(), schema.categorySizes());
    }

    /** Number of encoded features: numeric + binary + Σ categories. */
    public int features() {
        return numeric + binary + Arrays.stream(categories).sum();
    }

    /** Offset of the first one-hot block in the feature vector. */
    public int categoricalOffset() {
        return numeric + binary;
    }

    @Override
    public int[] categories() {
        return categories.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TabularLayout t
                && numeric == t.numeric
                && binary == t.binary
                && Arrays.equals(categories, t.categories);
    }

    @Override
    public int hashCode() {
        return (numeric * 31 + binary) * 31 + Arrays.hashCode(categories);
    }

    @Override
    public String toString() {
        return "numeric=" + numeric + ", binary=" + binary + ", categorical=" + Arrays.toString(categories);
    }
}
