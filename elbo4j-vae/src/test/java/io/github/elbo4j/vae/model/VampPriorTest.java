package io.github.elbo4j.vae.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.github.elbo4j.data.Dataset;
import io.github.elbo4j.distributions.DiagonalNormal;
import io.github.elbo4j.math.TensorUpload;
import io.github.elbo4j.vae.eval.EvaluationResult;
import io.github.elbo4j.vae.eval.Evaluator;
import io.github.elbo4j.vae.eval.Generator;
import io.github.elbo4j.vae.eval.PosteriorDiagnosis;
import io.github.elbo4j.vae.objective.TrainingObjective;
import io.github.elbo4j.vae.train.ProgressListener;
import io.github.elbo4j.vae.train.SmallData;
import io.github.elbo4j.vae.train.Trainer;
import io.github.elbo4j.vae.train.TrainingConfig;
import io.github.elbo4j.vae.train.TrainingListener;
import io.github.elbo4j.vae.train.TrainingResult;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class VampPriorTest {

    @Test
    void logDensityIsTheLogMeanOfTheComponentDensities() {
        int n = 3;
        int d = 2;
        SplittableRandom random = new SplittableRandom(1);
        float[] loc = new float[n * d];
        float[] logVar = new float[n * d];
        float[] z = new float[2 * 4 * d];
        for (int i = 0; i < loc.length; i++) {
            loc[i] = (float) random.nextGaussian();
            logVar[i] = (float) (random.nextGaussian() * 0.5);
        }
        for (int i = 0; i < z.length; i++) {
            z[i] = (float) (2 * random.nextGaussian());
        }
        try (NDManager m = NDManager.newBaseManager()) {
            TensorUpload up = new TensorUpload();
            VampPrior prior = new VampPrior(DiagonalNormal.fromLogVariance(
                    up.upload(m, loc, new Shape(n, d)), up.upload(m, logVar, new Shape(n, d))));
            NDArray logProb = prior.logProb(up.upload(m, z, new Shape(2, 4, d)));
            assertThat(logProb.getShape()).isEqualTo(new Shape(2, 4));
            float[] actual = logProb.toFloatArray();
            for (int r = 0; r < 8; r++) {
                double mixture = 0;
                for (int c = 0; c < n; c++) {
                    double log = 0;
                    for (int j = 0; j < d; j++) {
                        double v = Math.exp(logVar[c * d + j]);
                        double diff = z[r * d + j] - loc[c * d + j];
                        log += -0.5 * (diff * diff / v + Math.log(2 * Math.PI * v));
                    }
                    mixture += Math.exp(log) / n;
                }
                assertThat((double) actual[r]).isCloseTo(Math.log(mixture), within(1e-4));
            }
            assertThatThrownBy(prior::entropy).hasMessageContaining("no closed form");
        }
    }

    @Test
    void aVampPriorModelTrainsEvaluatesWithTheMixtureAndGenerates() {
        Dataset train = SmallData.shapes(600, 91);
        Dataset valid = SmallData.shapes(100, 92);
        VaeConfig config = VaeConfig.builder()
                .inputShape(28, 28)
                .hidden(64)
                .latent(4)
                .vampPrior(20)
                .build();
        try (NDManager m = NDManager.newBaseManager();
                VaeModel model = VaeModel.initialize(config, m, 4)) {
            assertThat(model.namedWeights().get("prior.pseudo_inputs").shape()).containsExactly(20, 784);
            Evaluator evaluator = new Evaluator(model, m);
            double before = Arrays.stream(
                            evaluator.importanceWeightedLogLikelihood(valid, 20, 1, ProgressListener.NONE))
                    .average()
                    .orElseThrow();
            TrainingResult result = new Trainer(new TrainingConfig(4, 50, 3e-3, 4), TrainingListener.NONE)
                    .train(model, train, valid, null, null);
            EvaluationResult after = evaluator.evaluate(valid, 20, 1, ProgressListener.NONE);
            assertThat(after.loglik()).isGreaterThan(before + 100);
            // The IWAE-20 bound with the mixture density lies above the one-sample Monte Carlo ELBO.
            assertThat(after.loglik()).isGreaterThan(after.elbo());
            assertThat(after.kl()).isPositive();
            assertThat(Double.isFinite(result.validElbo())).isTrue();
            assertThat(Arrays.stream(after.klPerDimension()).allMatch(Double::isNaN))
                    .isTrue();
            float[][] samples = Generator.samplePrior(model, m, 8, 3);
            assertThat(samples).hasNumberOfRows(8);
            assertThat(samples[0]).hasSize(784);
            assertThat(PosteriorDiagnosis.of(evaluator.elbo(valid, 1)).kl())
                    .isEqualTo(evaluator.elbo(valid, 1).kl());
        }
    }

    @Test
    void freeBitsAndConditionsNeedTheNormalPrior() {
        assertThatThrownBy(() -> VaeConfig.builder().vampPrior(5).conditions(4).build())
                .hasMessageContaining("prior vamp cannot be combined with conditions");
        assertThatThrownBy(() -> VaeConfig.builder().vampPrior(0).build())
                .hasMessageContaining("pseudoInputs must be at least 1");
        VaeConfig config = VaeConfig.builder()
                .inputShape(28, 28)
                .hidden(8)
                .latent(2)
                .vampPrior(3)
                .build();
        try (NDManager m = NDManager.newBaseManager();
                VaeModel model = VaeModel.initialize(config, m, 1)) {
            assertThatThrownBy(() -> new Trainer(
                                    new TrainingConfig(1, 50, 1e-3, 1, TrainingObjective.ELBO.withFreeBits(0.5)),
                                    TrainingListener.NONE)
                            .train(model, SmallData.shapes(50, 1), null, null, null))
                    .hasMessageContaining("freeBits")
                    .hasMessageContaining("prior normal");
        }
    }
}
