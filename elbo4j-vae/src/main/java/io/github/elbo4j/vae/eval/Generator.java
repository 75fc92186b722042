package io.github.elbo4j.vae.eval;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.github.elbo4j.data.SettingException;
import io.github.elbo4j.math.TensorUpload;
import io.github.elbo4j.vae.model.LatentPrior;
import io.github.elbo4j.vae.model.OneHotConditions;
import io.github.elbo4j.vae.model.VaeConfig;
import io.github.elbo4j.vae.model.VaeModel;
import io.github.elbo4j.vae.model.VaeNetwork;
import io.github.elbo4j.vae.model.VampPrior;
import io.github.elbo4j.vae.objective.GaussianNoise;
import io.github.elbo4j.vae.train.Seeds;

/**
 * Generates data from a trained VAE: z ~ p(z) = N(0, I), then the mean of p(x|z) (Bernoulli
 * probabilities or the Gaussian mean), which is what image grids show (under a VampPrior, z comes
 * from a uniformly chosen component q(z|u_n)). A conditional model decodes
 * p(x|z, c) for a requested class c.
 */
public final class Generator {

    private Generator() {}

    /**
     * {@code n} decoded prior samples, one row of {@code inputSize} values each; a conditional
     * model's samples cycle through its classes (sample i has class i mod C).
     */
    public static float[][] samplePrior(VaeModel model, NDManager manager, int n, long seed) {
        return sample(model, manager, n, priorLabels(model.config(), n), seed);
    }

    /** The classes of {@link #samplePrior}'s samples: i mod C for a conditional model, else null. */
    public static int[] priorLabels(VaeConfig config, int n) {
        if (!config.conditional()) {
            return null;
        }
        int[] labels = new int[Math.max(0, n)];
        for (int i = 0; i < labels.length; i++) {
            labels[i] = i % config.conditions();
        }
        return labels;
    }

    /** One decoded prior sample of a conditional model per entry of {@code labels}, of that class. */
    public static float[][] sampleConditional(VaeModel model, NDManager manager, int[] labels, long seed) {
        if (!model.config().conditional()) {
            throw new IllegalArgumentException("the model is not conditional; sample without labels");
        }
        return sample(model, manager, labels.length, labels, seed);
    }

    /** z_i = μ_{c_i} + σ_{c_i} ε_i with components c_i uniform on the pseudo-inputs, drawn from the seed. */
    private static float[] vampDraws(VaeNetwork network, float[] noise, int n, int latent, long seed) {
        VampPrior prior = (VampPrior) network.prior();
        float[] loc = prior.components().loc().toFloatArray();
        float[] scale = prior.components().scale().toFloatArray();
        int components = loc.length / latent;
        java.util.SplittableRandom random = new java.util.SplittableRandom(Seeds.derive(seed, Seeds.Stream.SAMPLE, 1));
        float[] z = new float[n * latent];
        for (int i = 0; i < n; i++) {
            int c = random.nextInt(components);
            for (int j = 0; j < latent; j++) {
                z[i * latent + j] = loc[c * latent + j] + scale[c * latent + j] * noise[i * latent + j];
            }
        }
        return z;
    }

    private static float[][] sample(VaeModel model, NDManager manager, int n, int[] labels, long seed) {
        if (n < 1) {
            throw new SettingException("n must be at least 1, got " + n, "n");
        }
        int features = model.config().inputSize();
        try (NDManager scope = manager.newSubManager()) {
            int latent = model.config().latent();
            float[] draws = GaussianNoise.standardNormal(n * latent, Seeds.derive(seed, Seeds.Stream.SAMPLE, 0));
            VaeNetwork network = model.bind(scope);
            if (model.config().prior() == LatentPrior.VAMP) {
                draws = vampDraws(network, draws, n, latent, seed);
            }
            NDArray z = new TensorUpload().upload(scope, draws, new Shape(n, latent));
            if (labels != null) {
                int classes = model.config().conditions();
                network = network.conditioned(new TensorUpload()
                        .upload(scope, OneHotConditions.oneHot(labels, null, 0, n, classes), new Shape(n, classes)));
            }
            float[] flat = network.decodeMean(z).toFloatArray();
            float[][] rows = new float[n][features];
            for (int i = 0; i < n; i++) {
                System.arraycopy(flat, i * features, rows[i], 0, features);
            }
            return rows;
        }
    }
}
