package io.github.elbo4j.vae.model;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.github.elbo4j.data.Dataset;
import io.github.elbo4j.math.TensorUpload;

/**
 * One-hot condition vectors for a conditional VAE: label y ∈ {0, …, C−1} becomes e_y ∈ {0, 1}^C.
 * Labels come from the dataset ({@link Dataset#labels()}), checked against the model's classes by
 * {@link DataCompatibility}.
 */
public final class OneHotConditions {

    private OneHotConditions() {}

    /** One-hot rows [to − from, classes] for {@code labels[indices[from..to)]} (identity indices when null). */
    public static float[] oneHot(int[] labels, int[] indices, int from, int to, int classes) {
        float[] out = new float[(to - from) * classes];
        for (int i = from; i < to; i++) {
            int label = labels[indices == null ? i : indices[i]];
            if (label < 0 || label >= classes) {
                throw new IllegalArgumentException("label " + label + " is not one of the model's " + classes
                        + " classes (0 to " + (classes - 1) + ")");
            }
            out[(i - from) * classes + label] = 1f;
        }
        return out;
    }

    /**
     * The network for examples {@code [from, to)} of {@code data}: conditioned on their labels when
     * the model is conditional, else the plain network.
     */
    public static VaeNetwork bind(
            VaeModel model, NDManager scope, Dataset data, int from, int to, TensorUpload upload) {
        VaeNetwork network = model.bind(scope);
        if (!model.config().conditional()) {
            return network;
        }
        int classes = model.config().conditions();
        return network.conditioned(
                upload.upload(scope, oneHot(data.labels(), null, from, to, classes), new Shape(to - from, classes)));
    }
}
