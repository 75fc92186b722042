package io.github.elbo4j.vae.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.elbo4j.data.DataException;
import io.github.elbo4j.data.DatasetSplits;
import io.github.elbo4j.vae.objective.KlSchedule;
import io.github.elbo4j.vae.objective.TrainingObjective;
import io.github.elbo4j.vae.train.LearningRateSchedule;
import io.github.elbo4j.vae.train.SmallData;
import io.github.elbo4j.vae.train.TrainingConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code config.json} through {@link RunManifest}: written and read by one codec, old files included. */
class RunManifestTest {

    @TempDir
    Path dir;

    @Test
    void aDescribedRunReadsBackAsTheSameManifestAndTrainingConfiguration() throws Exception {
        TrainingConfig training = new TrainingConfig(
                7,
                50,
                2e-3,
                42,
                new TrainingObjective.Iwae(
                        5, 1.0, KlSchedule.CONSTANT, TrainingObjective.GradientEstimator.DOUBLY_REPARAMETERIZED),
                0,
                3,
                LearningRateSchedule.parse("plateau:2:0.5"));
        DatasetSplits splits = new DatasetSplits(SmallData.shapes(120, 1), SmallData.shapes(30, 2), null);
        RunManifest manifest =
                RunDescription.describe(SmallData.smallModel(), training, "/data/blobs.npy", "", 0.2, null, splits);
        RunDirectory run = RunDirectory.create(dir.resolve("run"), manifest, SmallData.smallModel());

        RunDirectory reopened = RunDirectory.open(dir.resolve("run"));
        // As JSON text: the model's tree holds longs where the parsed one holds ints.
        assertThat(RunDirectory.JSON.writeValueAsString(reopened.manifest()))
                .isEqualTo(RunDirectory.JSON.writeValueAsString(manifest.withRunId(reopened.runId())));
        assertThat(reopened.manifest().training().config(run.configFile())).isEqualTo(training);
        assertThat(reopened.manifest().data().split("train").fingerprint())
                .isEqualTo(splits.train().fingerprint());
        assertThat(reopened.manifest().data().split("test")).isNull();
        assertThat(reopened.readModelConfig()).isSameAs(reopened.readModelConfig());
    }

    @Test
    void aConfigOfAnEarlierVersionReadsWithTheDefaultsOfWhatItLacked() throws Exception {
        RunDirectory run = RunDirectory.create(dir.resolve("old"), RunManifest.empty(), SmallData.smallModel());
        // Written before objectives, prior warm-up, patience, schedules and run ids were recorded.
        Files.writeString(run.configFile(), """
                {"created": "2026-01-01T00:00:00Z", "seed": 9, "model": {"latent": 2},
                 "training": {"epochs": 4, "batch_size": 32, "learning_rate": 0.001, "seed": 9, "extra": true},
                 "data": {"spec": "shapes", "data_dir": "", "train": {"rows": 100, "features": 784,
                          "fingerprint": "abc"}}}
                """);
        RunDirectory old = RunDirectory.open(run.root());
        TrainingConfig training = old.manifest().training().config(old.configFile());
        assertThat(training)
                .isEqualTo(new TrainingConfig(
                        4, 32, 1e-3, 9, TrainingObjective.ELBO, 0, 0, LearningRateSchedule.CONSTANT));
        assertThat(old.runId()).isNull();
        assertThat(old.assignRunId()).isNotNull();
        assertThat(RunDirectory.open(run.root()).runId()).isEqualTo(old.runId());
        assertThat(RunDirectory.open(run.root()).manifest().data().spec()).isEqualTo("shapes");
    }

    @Test
    void aMissingOrMistypedFieldIsNamed() throws Exception {
        RunDirectory run = RunDirectory.create(dir.resolve("bad"), RunManifest.empty(), SmallData.smallModel());
        Files.writeString(run.configFile(), "{\"training\": {\"epochs\": 4, \"seed\": 1, \"learning_rate\": 0.1}}");
        assertThatThrownBy(() ->
                        RunDirectory.open(run.root()).manifest().training().config(run.configFile()))
                .isInstanceOf(DataException.class)
                .hasMessageContaining("training.batch_size")
                .hasMessageContaining("missing");
        Files.writeString(run.configFile(), "{\"training\": {\"epochs\": \"four\"}}");
        assertThatThrownBy(() -> RunDirectory.open(run.root()).manifest())
                .isInstanceOf(DataException.class)
                .hasMessageContaining("training.epochs");
    }
}
