package io.github.elbo4j.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.github.elbo4j.data.Dataset;
import io.github.elbo4j.data.Shapes;
import io.github.elbo4j.math.TensorUpload;
import io.github.elbo4j.vae.model.VaeConfig;
import io.github.elbo4j.vae.model.VaeModel;
import io.github.elbo4j.vae.objective.GaussianNoise;
import io.github.elbo4j.vae.objective.ImportanceSampler;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** The executors' work without Spark: reused training steps and fused scoring. */
class VaeComputeTest {

    private static final Dataset DATA = Shapes.generate(40, 3);
    private static final VaeConfig CONFIG =
            VaeConfig.builder().inputShape(28, 28).hidden(24).latent(3).build();

    private static float[] parameters(long seed) {
        try (VaeModel model = VaeModel.initialize(CONFIG, VaeCompute.base(), seed)) {
            return model.parameterValues();
        }
    }

    @Test
    void aReusedStepGivesTheGradientOfAFreshOneWhateverItComputedBefore() {
        float[] a = parameters(1);
        float[] b = parameters(2);
        float[] x = Arrays.copyOf(DATA.values(), 10 * DATA.features());
        float[] noise = GaussianNoise.standardNormal(10 * CONFIG.latent(), 9);

        // A largest batch (17) no other test uses, so that the first borrow builds the step.
        long before = TrainingSteps.built();
        VaeCompute.Gradient first = VaeCompute.gradient(CONFIG, 17, a, x, 10, noise, 0.5);
        VaeCompute.Gradient other = VaeCompute.gradient(CONFIG, 17, b, x, 10, noise, 0.5);
        VaeCompute.Gradient again = VaeCompute.gradient(CONFIG, 17, a, x, 10, noise, 0.5);

        assertThat(TrainingSteps.built() - before).isEqualTo(1);
        assertThat(again.gradient()).containsExactly(first.gradient());
        assertThat(again.elbo()).isEqualTo(first.elbo());
        assertThat(other.gradient()).isNotEqualTo(first.gradient());
        assertThat(first.isFinite()).isTrue();
    }

    @Test
    void tasksRunningAtOnceEachGetTheirOwnStep() throws Exception {
        float[] a = parameters(4);
        float[] x = Arrays.copyOf(DATA.values(), 8 * DATA.features());
        float[] noise = GaussianNoise.standardNormal(8 * CONFIG.latent(), 5);
        float[] expected = VaeCompute.gradient(CONFIG, 8, a, x, 8, noise, 1.0).gradient();
        float[][] results = new float[4][];
        Thread[] threads = new Thread[results.length];
        for (int t = 0; t < threads.length; t++) {
            int index = t;
            threads[t] = new Thread(() -> {
                for (int repeat = 0; repeat < 5; repeat++) {
                    results[index] =
                            VaeCompute.gradient(CONFIG, 8, a, x, 8, noise, 1.0).gradient();
                }
            });
            threads[t].start();
        }
        for (Thread thread : threads) {
            thread.join();
        }
        for (float[] result : results) {
            assertThat(result).containsExactly(expected);
        }
    }

    @Test
    void fusedScoringAgreesWithTheEngineAndDoesNotDependOnTheChunk() {
        int k = 12;
        int rows = 9;
        float[] x = Arrays.copyOf(DATA.values(), rows * DATA.features());
        long[] seeds = new long[rows];
        for (int i = 0; i < rows; i++) {
            seeds[i] = VaeCompute.rowSeed(7, DATA.row(i));
        }
        try (VaeModel model = VaeModel.fromParameters(CONFIG, parameters(6), VaeCompute.base())) {
            ImportanceSampler sampler = VaeCompute.fusedSampler(model, k, 20_000);
            assertThat(sampler).as("the Vector API runs the tests").isNotNull();
            TensorUpload upload = new TensorUpload();
            VaeCompute.Scores fused = VaeCompute.score(model, x, rows, k, seeds, sampler, upload);
            VaeCompute.Scores engine = VaeCompute.score(model, x, rows, k, seeds, null, upload);
            // The last four rows alone, as another chunk would hold them.
            VaeCompute.Scores tail = VaeCompute.score(
                    model,
                    Arrays.copyOfRange(x, 5 * DATA.features(), rows * DATA.features()),
                    4,
                    k,
                    Arrays.copyOfRange(seeds, 5, rows),
                    sampler,
                    upload);
            for (int i = 0; i < rows; i++) {
                assertThat(fused.loglik()[i])
                        .isCloseTo(engine.loglik()[i], within(1e-3 * Math.abs(engine.loglik()[i])));
                assertThat(fused.elbo()[i]).isEqualTo(engine.elbo()[i]);
            }
            for (int i = 0; i < 4; i++) {
                assertThat(tail.loglik()[i]).isEqualTo(fused.loglik()[5 + i]);
                assertThat(tail.elbo()[i]).isCloseTo(fused.elbo()[5 + i], within(1e-3f));
            }
            VaeCompute.Scores elboOnly = VaeCompute.score(model, x, rows, 0, seeds, null, upload);
            assertThat(elboOnly.loglik()).isNull();
            assertThat(elboOnly.elbo()).containsExactly(fused.elbo());
        }
    }
}
