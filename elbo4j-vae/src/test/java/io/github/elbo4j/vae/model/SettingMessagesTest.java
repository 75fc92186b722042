package io.github.elbo4j.vae.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.github.elbo4j.data.SettingException;
import io.github.elbo4j.vae.eval.AnomalyScorer;
import io.github.elbo4j.vae.eval.Workers;
import io.github.elbo4j.vae.objective.KlSchedule;
import io.github.elbo4j.vae.objective.TrainingObjective;
import io.github.elbo4j.vae.train.LearningRateSchedule;
import io.github.elbo4j.vae.train.TrainingConfig;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;

/**
 * The library's messages about bad settings speak its own words, the names a Java or Spark user
 * sets, never the command line's flags, and list the settings they name.
 */
class SettingMessagesTest {

    private static SettingException refused(ThrowingCallable call) {
        SettingException e = catchThrowableOfType(call, SettingException.class);
        assertThat(e).as("a SettingException").isNotNull();
        assertThat(e.getMessage()).doesNotContain("--");
        for (String setting : e.settings()) {
            assertThat(e.getMessage()).contains(setting);
        }
        return e;
    }

    @Test
    void trainingSettingsAreNamedByTheirRecordComponents() {
        SettingException e = refused(() -> new TrainingConfig(0, 50, 1e-3, 0, TrainingObjective.ELBO, 0));
        assertThat(e).hasMessage("epochs must be at least 1, got 0");
        assertThat(e.settings()).containsExactly("epochs");
        assertThat(refused(() -> new TrainingConfig(1, 0, 1e-3, 0, TrainingObjective.ELBO, 0))
                        .settings())
                .containsExactly("batchSize");
        assertThat(refused(() -> new TrainingConfig(1, 50, -1, 0, TrainingObjective.ELBO, 0))
                        .settings())
                .containsExactly("learningRate");
        SettingException both = refused(() -> new TrainingConfig(
                3, 50, 1e-3, 0, TrainingObjective.ELBO, 0, 2, LearningRateSchedule.parse("plateau:5")));
        assertThat(both.settings()).containsExactly("patience", "learningRateSchedule");
        assertThat(both).hasMessageContaining("make patience larger than 5");
    }

    @Test
    void modelSettingsAreNamedByTheirRecordComponents() {
        assertThat(refused(() -> VaeConfig.builder().inputShape(4).latent(0).build())
                        .settings())
                .containsExactly("latent");
        assertThat(refused(() -> VaeConfig.builder().inputShape(4).hidden(8, -4).build()))
                .hasMessageContaining("hidden widths must be positive integers")
                .hasMessageContaining("[8, -4]");
        assertThat(refused(() -> VaeConfig.builder()
                                .inputShape(4)
                                .conditions(3)
                                .vampPrior(5)
                                .build())
                        .settings())
                .containsExactly("prior", "conditions");
        assertThat(refused(() -> KlSchedule.parse("linear")).settings()).containsExactly("klSchedule");
        assertThat(refused(() -> LatentPrior.parse("nope")).settings()).containsExactly("prior");
    }

    @Test
    void workflowParametersAreNamedByTheirParameterNames() {
        assertThat(refused(() -> AnomalyScorer.quantile(new double[] {1, 2}, 1.5))
                        .settings())
                .containsExactly("quantile");
        assertThat(refused(() -> AnomalyScorer.Score.parse("nope")).settings()).containsExactly("score");
        assertThat(refused(() -> new Workers(0)).settings()).containsExactly("workers");
    }
}
