package io.github.elbo4j.vae;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

/**
 * Generates data from a trained VAE: z ~ p(z) = N(0, I), then the mean of p(x|z) (Bernoulli
 * probabilities or the Gaussian mean), which is what image grids show.
 */
public final class Generator {

    private Generator() {}

    /** {@code n} decoded prior samples, one row of {@code inputSize} values each. */
    public static float[][] samplePrior(VaeModel model, NDManager manager, int n, long seed) {
        if (n < 1) {
            throw new IllegalArgumentException("--n must be at least 1, got " + n);
        }
        int features = model.config().inputSize();
        try (NDManager scope = manager.newSubManager()) {
            int latent = model.config().latent();
            NDArray z = new TensorUpload().upload(scope,
                    GaussianNoise.standardNormal(n * latent, Seeds.derive(seed, Seeds.Stream.SAMPLE, 0)), new Shape(n, latent));
            float[] flat = model.bind(scope).decodeMean(z).toFloatArray();
            float[][] rows = new float[n][features];
            for (int i = 0; i < n; i++) {
                System.arraycopy(flat, i * features, rows[i], 0, features);
            }
            return rows;
        }
    }
}
