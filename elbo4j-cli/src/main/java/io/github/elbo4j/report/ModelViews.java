package io.github.elbo4j.report;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.github.elbo4j.data.Dataset;
import io.github.elbo4j.vae.TensorUpload;
import io.github.elbo4j.vae.VaeModel;
import io.github.elbo4j.vae.VaeNetwork;

/**
 * What the pictures show of a trained VAE, computed with the engine: encoder means E_q[z|x],
 * reconstructions (the mean of p(x|z) at z = E_q[z|x], so that the picture does not change with
 * noise), and decodes along a straight line between two encoder means. Every temporary lives in a
 * sub-scope of the given manager, closed before returning.
 */
public final class ModelViews {

    private static final int BATCH = 1000;

    private final VaeModel model;
    private final NDManager manager;
    private final TensorUpload upload = new TensorUpload();

    /** Views of {@code model}; temporaries are allocated under {@code manager}. */
    public ModelViews(VaeModel model, NDManager manager) {
        this.model = model;
        this.manager = manager;
    }

    /** Encoder means of the first {@code limit} examples of {@code data}, one row per example. */
    public float[][] latentMeans(Dataset data, int limit) {
        int n = Math.min(limit, data.rows());
        int features = data.features();
        int latent = model.config().latent();
        float[][] means = new float[n][];
        for (int from = 0; from < n; from += BATCH) {
            int to = Math.min(n, from + BATCH);
            try (NDManager scope = manager.newSubManager()) {
                NDArray x = upload.upload(scope, data.values(), from * features, (to - from) * features,
                        new Shape(to - from, features));
                float[] flat = model.bind(scope).encode(x).loc().toFloatArray();
                for (int i = from; i < to; i++) {
                    means[i] = new float[latent];
                    System.arraycopy(flat, (i - from) * latent, means[i], 0, latent);
                }
            }
        }
        return means;
    }

    /** The mean of p(x|z) at z = E_q[z|x] for each input row. */
    public float[][] reconstructions(float[][] inputs) {
        try (NDManager scope = manager.newSubManager()) {
            VaeNetwork network = model.bind(scope);
            NDArray x = upload.upload(scope, flatten(inputs), new Shape(inputs.length, model.config().inputSize()));
            return rows(network.decodeMean(network.encode(x).loc()).toFloatArray(), inputs.length);
        }
    }

    /**
     * Decodes {@code steps} latents evenly spaced on the segment from E_q[z|a] to E_q[z|b], both
     * ends included, so the first and last pictures are the reconstructions of a and b.
     */
    public float[][] interpolate(float[] a, float[] b, int steps) {
        if (steps < 2) {
            throw new IllegalArgumentException("an interpolation needs at least 2 steps, got " + steps);
        }
        float[][] ends = latentMeansOf(new float[][] {a, b});
        int latent = ends[0].length;
        float[] path = new float[steps * latent];
        for (int s = 0; s < steps; s++) {
            float t = s / (float) (steps - 1);
            for (int j = 0; j < latent; j++) {
                path[s * latent + j] = (1 - t) * ends[0][j] + t * ends[1][j];
            }
        }
        try (NDManager scope = manager.newSubManager()) {
            NDArray z = upload.upload(scope, path, new Shape(steps, latent));
            return rows(model.bind(scope).decodeMean(z).toFloatArray(), steps);
        }
    }

    private float[][] latentMeansOf(float[][] inputs) {
        try (NDManager scope = manager.newSubManager()) {
            NDArray x = upload.upload(scope, flatten(inputs), new Shape(inputs.length, model.config().inputSize()));
            return rows(model.bind(scope).encode(x).loc().toFloatArray(), inputs.length);
        }
    }

    private static float[] flatten(float[][] rows) {
        int width = rows[0].length;
        float[] flat = new float[rows.length * width];
        for (int i = 0; i < rows.length; i++) {
            System.arraycopy(rows[i], 0, flat, i * width, width);
        }
        return flat;
    }

    private static float[][] rows(float[] flat, int n) {
        int width = flat.length / n;
        float[][] rows = new float[n][width];
        for (int i = 0; i < n; i++) {
            System.arraycopy(flat, i * width, rows[i], 0, width);
        }
        return rows;
    }
}
