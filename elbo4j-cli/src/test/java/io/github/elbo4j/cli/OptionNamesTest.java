package io.github.elbo4j.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.github.elbo4j.data.SettingException;
import io.github.elbo4j.vae.eval.AnomalyScorer;
import io.github.elbo4j.vae.model.Architecture;
import io.github.elbo4j.vae.model.VaeConfig;
import io.github.elbo4j.vae.objective.KlSchedule;
import io.github.elbo4j.vae.objective.TrainingObjective;
import io.github.elbo4j.vae.train.LearningRateSchedule;
import io.github.elbo4j.vae.train.TrainingConfig;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class OptionNamesTest {

    private static SettingException refused(ThrowingCallable call) {
        SettingException e = catchThrowableOfType(call, SettingException.class);
        assertThat(e).isNotNull();
        return e;
    }

    @Test
    void settingsBecomeTheirOptions() {
        assertThat(OptionNames.option("batchSize")).isEqualTo("--batch-size");
        assertThat(OptionNames.option("epochs")).isEqualTo("--epochs");
        assertThat(OptionNames.option("learningRate")).isEqualTo("--lr");
        assertThat(OptionNames.option("learningRateSchedule")).isEqualTo("--lr-schedule");
    }

    @Test
    void onlyTheNamedSettingsAreReplacedAsWholeWords() {
        SettingException e = refused(() -> new TrainingConfig(
                3, 50, 1e-3, 0, TrainingObjective.ELBO, 0, 2, LearningRateSchedule.parse("plateau:5")));
        assertThat(OptionNames.inOptionWords(e))
                .isEqualTo("--patience 2 would stop training before --lr-schedule"
                        + " plateau:5:0.1 ever lowers the learning rate; make --patience larger than 5");
        // "prior" inside priorWarmupEpochs and the prose word "epochs" stay as they are.
        SettingException warmup = refused(() -> new TrainingConfig(1, 50, 1e-3, 0, TrainingObjective.ELBO, -1));
        assertThat(OptionNames.inOptionWords(warmup))
                .isEqualTo("--prior-warmup must be a number of epochs ≥ 0, got -1");
    }

    /** Every setting the libraries name in these refusals is an option of some command. */
    @Test
    void everyNamedSettingIsAnOptionOfTheCommandLine() {
        List<SettingException> refusals = List.of(
                refused(() -> new TrainingConfig(0, 50, 1e-3, 0, TrainingObjective.ELBO, 0)),
                refused(() -> new TrainingConfig(1, 0, 1e-3, 0, TrainingObjective.ELBO, 0)),
                refused(() -> new TrainingConfig(1, 50, 0, 0, TrainingObjective.ELBO, 0)),
                refused(() -> new TrainingConfig(1, 50, 1e-3, 0, TrainingObjective.ELBO, -1)),
                refused(() -> new TrainingConfig(
                        3, 50, 1e-3, 0, TrainingObjective.ELBO, 0, 2, LearningRateSchedule.parse("plateau:5"))),
                refused(() -> VaeConfig.builder().inputShape(4).latent(0).build()),
                refused(() -> VaeConfig.builder().inputShape(4).hidden(0).build()),
                refused(() -> VaeConfig.builder()
                        .inputShape(4)
                        .conditions(3)
                        .vampPrior(5)
                        .build()),
                refused(() -> VaeConfig.builder().inputShape(4).vampPrior(0).build()),
                refused(() -> VaeConfig.builder().inputShape(4).conv(8).build()),
                refused(() -> KlSchedule.parse("nope")),
                refused(() -> Architecture.parse("nope")),
                refused(() -> AnomalyScorer.quantile(new double[] {1}, 2)),
                refused(() -> AnomalyScorer.Score.parse("nope")),
                refused(() -> AnomalyScorer.fitRecords(null, 0, 0)));
        Set<String> options = new HashSet<>();
        collectOptions(Main.newCommandLine(), options);
        for (SettingException e : refusals) {
            for (String setting : e.settings()) {
                assertThat(options)
                        .as("the option of %s (%s)", setting, e.getMessage())
                        .contains(OptionNames.option(setting));
            }
        }
    }

    private static void collectOptions(CommandLine cli, Set<String> options) {
        for (CommandLine.Model.OptionSpec option : cli.getCommandSpec().options()) {
            options.addAll(List.of(option.names()));
        }
        cli.getSubcommands().values().forEach(sub -> collectOptions(sub, options));
    }
}
