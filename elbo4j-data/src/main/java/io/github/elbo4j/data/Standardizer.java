package io.github.elbo4j.data;

import java.util.Arrays;

/**
 * Per-feature standardization {@code z = (x - mean) / scale}, fitted on one dataset (normally the
 * training split) and applied unchanged to the others, so held-out data is never used to fit it.
 *
 * @param mean the per-feature mean of the fitting data
 * @param scale the per-feature population standard deviation, 1 where that is 0
 */
public record Standardizer(double[] mean, double[] scale) {

    /** Checks that mean and scale match and every scale is positive. */
    public Standardizer {
        if (mean.length != scale.length) {
            throw new IllegalArgumentException("mean has " + mean.length + " features but scale has " + scale.length);
        }
        for (double s : scale) {
            if (!(s > 0) || Double.isInfinite(s)) {
                throw new IllegalArgumentException(
                        "every scale must be positive and finite: " + Arrays.toString(scale));
            }
        }
        mean = mean.clone();
        scale = scale.clone();
    }

    /**
     * Fits mean and standard deviation per feature with Welford's one-pass algorithm, which stays
     * accurate when the mean is large compared with the spread.
     *
     * @param d the fitting data, at least one row
     * @return the fitted standardizer
     */
    public static Standardizer fit(Dataset d) {
        if (d.rows() == 0) {
            throw new IllegalArgumentException(
                    "cannot fit a standardizer on dataset '" + d.name() + "' which has no rows");
        }
        int features = d.features();
        double[] mean = new double[features];
        double[] m2 = new double[features];
        float[] values = d.values();
        for (int r = 0; r < d.rows(); r++) {
            int offset = r * features;
            for (int j = 0; j < features; j++) {
                double delta = values[offset + j] - mean[j];
                mean[j] += delta / (r + 1);
                m2[j] += delta * (values[offset + j] - mean[j]);
            }
        }
        double[] scale = new double[features];
        for (int j = 0; j < features; j++) {
            double sd = Math.sqrt(m2[j] / d.rows());
            scale[j] = sd > 0 ? sd : 1.0;
        }
        return new Standardizer(mean, scale);
    }

    /**
     * Standardizes {@code d}.
     *
     * @param d data with the fitted number of features
     * @return a new dataset with the same shape, labels and columns
     */
    public Dataset apply(Dataset d) {
        requireFeatures(d);
        int features = mean.length;
        float[] values = d.values();
        float[] out = new float[values.length];
        for (int i = 0; i < values.length; i++) {
            int j = i % features;
            out[i] = (float) ((values[i] - mean[j]) / scale[j]);
        }
        return new Dataset(d.name(), out, d.rows(), d.exampleShape(), d.labels(), d.columns());
    }

    /**
     * Undoes {@link #apply}: {@code x = z * scale + mean}.
     *
     * @param d standardized data
     * @return data on the original scale
     */
    public Dataset invert(Dataset d) {
        requireFeatures(d);
        int features = mean.length;
        float[] values = d.values();
        float[] out = new float[values.length];
        for (int i = 0; i < values.length; i++) {
            int j = i % features;
            out[i] = (float) (values[i] * scale[j] + mean[j]);
        }
        return new Dataset(d.name(), out, d.rows(), d.exampleShape(), d.labels(), d.columns());
    }

    private void requireFeatures(Dataset d) {
        if (d.features() != mean.length) {
            throw new IllegalArgumentException("standardizer was fitted on " + mean.length + " features but dataset '"
                    + d.name() + "' has " + d.features());
        }
    }

    /** A copy of the per-feature means. */
    @Override
    public double[] mean() {
        return mean.clone();
    }

    /** A copy of the per-feature scales. */
    @Override
    public double[] scale() {
        return scale.clone();
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof Standardizer that && Arrays.equals(mean, that.mean) && Arrays.equals(scale, that.scale);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(mean) + Arrays.hashCode(scale);
    }

    @Override
    public String toString() {
        return "Standardizer[features=" + mean.length + "]";
    }
}
