package io.github.elbo4j.vae.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import ai.djl.ndarray.NDManager;
import io.github.elbo4j.data.Dataset;
import io.github.elbo4j.data.Shapes;
import io.github.elbo4j.vae.eval.EvaluationResult;
import io.github.elbo4j.vae.eval.Evaluator;
import io.github.elbo4j.vae.eval.Generator;
import io.github.elbo4j.vae.model.VaeConfig;
import io.github.elbo4j.vae.model.VaeModel;
import io.github.elbo4j.vae.objective.GaussianNoise;
import io.github.elbo4j.vae.objective.GaussianNoiseTest;
import io.github.elbo4j.vae.train.ProgressListener;
import io.github.elbo4j.vae.train.Seeds;
import io.github.elbo4j.vae.train.Trainer;
import io.github.elbo4j.vae.train.TrainingConfig;
import io.github.elbo4j.vae.train.TrainingListener;
import io.github.elbo4j.vae.train.TrainingResult;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A JVM without {@code --add-modules jdk.incubator.vector}, as a Java program gets by default:
 * training, evaluation and sampling of a model the fused code supports must run on the engine's
 * path instead of failing to load the Vector API. The build runs this class in a JVM of its own
 * without the flag (the {@code without-vector-api} execution); with the flag it is skipped.
 */
class WithoutVectorApiTest {

    private static final long SEED = 20261206L;

    @BeforeEach
    void needsAJvmWithoutTheVectorApi() {
        assumeFalse(VectorSupport.PRESENT, "the Vector API module is present in this JVM");
    }

    @Test
    void theFusedCodeIsOffAndNoiseIsTheScalarThreefryQuantile() {
        assertThat(VectorSupport.fused()).isFalse();
        int particles = 9;
        int dimension = 3;
        float[] noise = GaussianNoise.perExample(particles, 4, 6, dimension, SEED);
        for (int e = 4; e < 6; e++) {
            long key = Seeds.derive(SEED, Seeds.Stream.EVAL_NOISE, e);
            for (int p = 0; p < particles; p++) {
                for (int d = 0; d < dimension; d++) {
                    int[] words = GaussianNoiseTest.threefry(p, d / 2, (int) key, (int) (key >>> 32));
                    double expected = GaussianNoiseTest.normal(words[d % 2]);
                    assertThat((double) noise[(p * 2 + e - 4) * dimension + d])
                            .isCloseTo(expected, within(1e-6 * Math.max(1, Math.abs(expected))));
                }
            }
        }
    }

    @Test
    void aModelTheFusedCodeSupportsTrainsEvaluatesAndSamplesOnTheEnginePath() {
        Dataset train = Shapes.generate(200, 1);
        Dataset valid = Shapes.generate(50, 2);
        // An MLP with a Bernoulli likelihood and the N(0, I) prior: StepFactory.fusedModel's
        // kind (asking it would load the Vector API, which is the point of the check in front).
        VaeConfig config =
                VaeConfig.builder().inputShape(28, 28).hidden(32).latent(4).build();
        try (NDManager manager = NDManager.newBaseManager();
                VaeModel model = VaeModel.initialize(config, manager, SEED)) {
            TrainingResult result = new Trainer(new TrainingConfig(1, 50, 1e-3, SEED), TrainingListener.NONE)
                    .train(model, train, valid, null, null);
            assertThat(result.elbo()).isFinite();
            assertThat(result.validElbo()).isFinite();
            EvaluationResult evaluation = new Evaluator(model, manager).evaluate(valid, 5, SEED, ProgressListener.NONE);
            assertThat(evaluation.loglik()).isFinite().isGreaterThanOrEqualTo(evaluation.elbo() - 1e-6);
            assertThat(Generator.samplePrior(model, manager, 4, SEED)).hasNumberOfRows(4);
        }
    }
}
