package io.github.elbo4j.data;

/**
 * Value transformations that return new datasets and leave their input untouched.
 */
public final class Transforms {

    private Transforms() {}

    /**
     * Deterministic binarization: {@code 1} where the value is strictly greater than {@code
     * threshold}, else {@code 0}. With threshold 0.5 on [0, 1] intensities this is the usual
     * "rounded" binarization; for the published benchmark use the statically binarized MNIST
     * (Larochelle and Murray, 2011) instead, since numbers differ between the two.
     *
     * @param d the dataset
     * @param threshold the cut-off
     * @return a binary dataset with the same shape, labels and columns
     */
    public static Dataset binarize(Dataset d, float threshold) {
        float[] values = d.values();
        float[] binary = new float[values.length];
        for (int i = 0; i < values.length; i++) {
            binary[i] = values[i] > threshold ? 1f : 0f;
        }
        return new Dataset(d.name(), binary, d.rows(), d.exampleShape(), d.labels(), d.columns());
    }

    /**
     * Rescales every value linearly so that the dataset's minimum becomes 0 and its maximum 1 (a
     * constant dataset becomes all zeros).
     *
     * @param d the dataset, not empty
     * @return a dataset with values in [0, 1]
     */
    public static Dataset scaleToUnitInterval(Dataset d) {
        float min = d.min();
        float range = d.max() - min;
        float[] values = d.values();
        float[] scaled = new float[values.length];
        if (range > 0f) {
            for (int i = 0; i < values.length; i++) {
                scaled[i] = (values[i] - min) / range;
            }
        }
        return new Dataset(d.name(), scaled, d.rows(), d.exampleShape(), d.labels(), d.columns());
    }
}
