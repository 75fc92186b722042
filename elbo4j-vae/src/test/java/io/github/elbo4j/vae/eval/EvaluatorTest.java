package io.github.elbo4j.vae.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDManager;
import io.github.elbo4j.data.Dataset;
import io.github.elbo4j.vae.model.VaeModel;
import io.github.elbo4j.vae.train.ProgressListener;
import io.github.elbo4j.vae.train.SmallData;
import io.github.elbo4j.vae.train.Trainer;
import io.github.elbo4j.vae.train.TrainingConfig;
import io.github.elbo4j.vae.train.TrainingListener;
import java.util.Arrays;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class EvaluatorTest {

    private static NDManager manager;
    private static VaeModel model;
    private static final Dataset TEST = SmallData.shapes(120, 9);

    @BeforeAll
    static void trainSmallModel() {
        manager = NDManager.newBaseManager();
        model = VaeModel.initialize(SmallData.smallModel(), manager, 4);
        new Trainer(new TrainingConfig(3, 50, 3e-3, 4), TrainingListener.NONE)
                .train(model, SmallData.shapes(1000, 8), null, null, null);
    }

    @AfterAll
    static void close() {
        model.close();
        manager.close();
    }

    private static double mean(double[] values) {
        return Arrays.stream(values).average().orElseThrow();
    }

    @Test
    void importanceWeightedBoundGrowsWithKAndExceedsTheElbo() {
        Evaluator evaluator = new Evaluator(model, manager);
        double elbo = evaluator.elbo(TEST, 1).elbo();
        double k1 = mean(evaluator.importanceWeightedLogLikelihood(TEST, 1, 1, ProgressListener.NONE));
        double k10 = mean(evaluator.importanceWeightedLogLikelihood(TEST, 10, 1, ProgressListener.NONE));
        double k100 = mean(evaluator.importanceWeightedLogLikelihood(TEST, 100, 1, ProgressListener.NONE));
        // K = 1 is the Monte Carlo ELBO itself: same expectation as the analytic-KL ELBO.
        assertThat(k1).isCloseTo(elbo, within(3.0));
        assertThat(k10).isGreaterThan(k1);
        assertThat(k100).isGreaterThan(k10);
    }

    @Test
    void resultDoesNotDependOnTheMemoryBudget() {
        double[] small = new Evaluator(model, manager, 7, new Workers(1))
                .importanceWeightedLogLikelihood(TEST, 20, 5, ProgressListener.NONE);
        double[] large = new Evaluator(model, manager, 100_000, new Workers(1))
                .importanceWeightedLogLikelihood(TEST, 20, 5, ProgressListener.NONE);
        for (int i = 0; i < small.length; i++) {
            assertThat(small[i]).isCloseTo(large[i], within(1e-3));
        }
    }

    @Test
    void workersSplitTheChunksWithoutChangingTheResult() {
        try (Workers two = new Workers(2)) {
            Evaluator parallel = new Evaluator(model, manager, 50, two);
            Evaluator serial = new Evaluator(model, manager, 50, new Workers(1));
            double[] a = parallel.importanceWeightedLogLikelihood(TEST, 10, 3, ProgressListener.NONE);
            double[] b = serial.importanceWeightedLogLikelihood(TEST, 10, 3, ProgressListener.NONE);
            // Same noise and chunks; the engine's matrix kernels may round differently per thread.
            for (int i = 0; i < a.length; i++) {
                assertThat(a[i]).isCloseTo(b[i], within(1e-3));
            }
            assertThat(parallel.elbo(TEST, 3).elbo())
                    .isCloseTo(serial.elbo(TEST, 3).elbo(), within(1e-3));
        }
    }

    @Test
    void summaryTermsAreConsistent() {
        EvaluationResult r = new Evaluator(model, manager).evaluate(TEST, 10, 2, ProgressListener.NONE);
        assertThat(r.n()).isEqualTo(120);
        assertThat(r.elbo()).isCloseTo(r.recon() - r.kl(), within(1e-3));
        assertThat(Arrays.stream(r.klPerDimension()).sum()).isCloseTo(r.kl(), within(1e-3));
        assertThat(r.activeUnits()).isBetween(1, 4);
        assertThat(r.loglikStandardError()).isPositive();
        assertThat(r.loglik()).isLessThan(0);
    }
}
