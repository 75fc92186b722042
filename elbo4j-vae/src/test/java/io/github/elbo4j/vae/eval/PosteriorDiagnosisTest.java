package io.github.elbo4j.vae.eval;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDManager;
import io.github.elbo4j.data.Dataset;
import io.github.elbo4j.vae.model.VaeConfig;
import io.github.elbo4j.vae.model.VaeModel;
import io.github.elbo4j.vae.objective.TrainingObjective;
import io.github.elbo4j.vae.train.SmallData;
import io.github.elbo4j.vae.train.Trainer;
import io.github.elbo4j.vae.train.TrainingConfig;
import io.github.elbo4j.vae.train.TrainingListener;
import org.junit.jupiter.api.Test;

/** Posterior-collapse diagnosis of a healthy run and of one made to collapse with β = 50. */
class PosteriorDiagnosisTest {

    private static final Dataset TRAIN = SmallData.shapes(600, 41);
    private static final VaeConfig MODEL =
            VaeConfig.builder().inputShape(28, 28).hidden(64).latent(8).build();

    private static PosteriorDiagnosis trainAndDiagnose(TrainingObjective objective) {
        try (NDManager m = NDManager.newBaseManager();
                VaeModel model = VaeModel.initialize(MODEL, m, 3)) {
            new Trainer(new TrainingConfig(8, 50, 3e-3, 3, objective), TrainingListener.NONE)
                    .train(model, TRAIN, null, null, null);
            return PosteriorDiagnosis.of(new Evaluator(model, m).elbo(TRAIN, 1));
        }
    }

    @Test
    void aLargeBetaCollapsesThePosteriorAndTheDiagnosisSaysSo() {
        PosteriorDiagnosis collapsed = trainAndDiagnose(TrainingObjective.beta(50));
        assertThat(collapsed.collapsed()).isTrue();
        assertThat(collapsed.kl()).isLessThan(PosteriorDiagnosis.COLLAPSED_TOTAL_KL);
        assertThat(collapsed.activeUnits()).isLessThanOrEqualTo(1);
        assertThat(collapsed.message()).startsWith("Posterior collapse").contains("Lower β");
    }

    @Test
    void aHealthyRunIsNotReportedAsCollapsed() {
        PosteriorDiagnosis healthy = trainAndDiagnose(TrainingObjective.ELBO);
        assertThat(healthy.collapsed()).isFalse();
        assertThat(healthy.activeUnits()).isGreaterThanOrEqualTo(4);
        assertThat(healthy.kl()).isGreaterThan(5);
        assertThat(healthy.klPerDimension()).hasSize(8);
        assertThat(healthy.message()).startsWith("Healthy");
    }
}
