package io.github.elbo4j.vae.model;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDManager;
import io.github.elbo4j.data.Dataset;
import io.github.elbo4j.vae.train.SmallData;
import io.github.elbo4j.vae.train.Trainer;
import io.github.elbo4j.vae.train.TrainingConfig;
import io.github.elbo4j.vae.train.TrainingListener;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Gaussian decoders with a learned σ recover the noise level of the data. */
class LearnedScaleTest {

    private static final double NOISE = 0.2;

    /** Shapes scaled into [0.1, 0.9] with N(0, 0.2²) noise added to every pixel. */
    private static Dataset noisyShapes(int n, long seed) {
        Dataset shapes = SmallData.shapes(n, seed);
        float[] values = shapes.values().clone();
        SplittableRandom random = new SplittableRandom(seed);
        for (int i = 0; i < values.length; i++) {
            values[i] = (float) (0.1 + 0.8 * values[i] + NOISE * random.nextGaussian());
        }
        return new Dataset("noisy-shapes", values, n, 28, 28);
    }

    private static float[] trainedLogScale(Likelihood likelihood) {
        VaeConfig config = VaeConfig.builder()
                .inputShape(28, 28)
                .hidden(64)
                .latent(8)
                .likelihood(likelihood)
                .gaussianScale(0.5)
                .build();
        try (NDManager m = NDManager.newBaseManager();
                VaeModel model = VaeModel.initialize(config, m, 3)) {
            new Trainer(new TrainingConfig(25, 50, 3e-3, 3), TrainingListener.NONE)
                    .train(model, noisyShapes(1000, 81), null, null, null);
            return model.namedWeights().get("decoder.log_scale").data();
        }
    }

    @Test
    void aLearnedGlobalScaleConvergesToTheNoiseLevel() {
        float[] logScale = trainedLogScale(Likelihood.GAUSSIAN_LEARNED);
        assertThat(logScale).hasSize(1);
        double sigma = Math.exp(logScale[0]);
        // The residual holds the model's own error on top of the 0.2 noise: measured 0.252.
        assertThat(sigma).isBetween(NOISE * 0.95, NOISE * 1.4);
    }

    @Test
    void perFeatureScalesConvergeToTheNoiseLevelOnAverage() {
        float[] logScale = trainedLogScale(Likelihood.GAUSSIAN_PER_FEATURE);
        assertThat(logScale).hasSize(784);
        double sum = 0;
        for (float v : logScale) {
            sum += Math.exp(v);
        }
        assertThat(sum / 784).isBetween(NOISE * 0.95, NOISE * 1.4);
    }
}
