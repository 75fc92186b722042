package io.github.elbo4j.report;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDManager;
import io.github.elbo4j.data.Shapes;
import io.github.elbo4j.vae.model.VaeConfig;
import io.github.elbo4j.vae.model.VaeModel;
import io.github.elbo4j.vae.run.RunDirectory;
import io.github.elbo4j.vae.run.RunManifest;
import io.github.elbo4j.vae.train.ProgressListener;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The end-of-training artifacts of an untrained model, written straight through the library. */
class RunArtifactsTest {

    @TempDir
    Path dir;

    private static final VaeConfig MODEL =
            VaeConfig.builder().inputShape(28, 28).hidden(16).latent(3).build();

    @Test
    void writesEveryPlotAndTheReportForAnImageModel() {
        RunDirectory run = RunDirectory.create(dir.resolve("run"), RunManifest.empty(), MODEL);
        try (NDManager manager = NDManager.newBaseManager();
                VaeModel model = VaeModel.initialize(MODEL, manager, 1)) {
            RunArtifacts.Written written = RunArtifacts.write(
                    run,
                    model,
                    manager,
                    Shapes.generate(50, 4),
                    "test",
                    Shapes.generate(30, 5),
                    new RunArtifacts.Options(5, 0, 1),
                    ProgressListener.NONE);
            // No metrics rows yet: no curves, every other picture.
            assertThat(written.plots())
                    .extracting(p -> p.getFileName().toString())
                    .containsExactly(
                            "samples.png",
                            "reconstructions.png",
                            "interpolation.png",
                            "latent.png",
                            "kl-per-dimension.png",
                            "anomaly-scores.png");
            assertThat(written.evaluation().loglik()).hasSize(50);
            assertThat(written.report()).isRegularFile();
        }
    }

    @Test
    void aFailureAfterTrainingIsAWarningThatSaysHowToRetry() throws IOException {
        RunDirectory run = RunDirectory.create(dir.resolve("run"), RunManifest.empty(), MODEL);
        // The plots folder cannot be written: a file stands in its place.
        Files.delete(run.plotsDirectory());
        Files.writeString(run.plotsDirectory(), "in the way");
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        try (NDManager manager = NDManager.newBaseManager();
                VaeModel model = VaeModel.initialize(MODEL, manager, 1)) {
            Path report = RunArtifacts.writeAfterTraining(
                    run,
                    model,
                    manager,
                    Shapes.generate(20, 4),
                    "test",
                    Shapes.generate(20, 5),
                    new RunArtifacts.Options(2, 0, 1),
                    ProgressListener.NONE,
                    new PrintStream(err, true, StandardCharsets.UTF_8));
            assertThat(report).isNull();
        }
        assertThat(err.toString(StandardCharsets.UTF_8))
                .contains("the model is saved")
                .contains("elbo4j report --run " + run.root());
    }
}
