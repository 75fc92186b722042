package io.github.elbo4j.report;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDManager;
import io.github.elbo4j.data.Dataset;
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
import java.util.ArrayList;
import java.util.List;
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
    void aTimeBudgetLowersKAndLeavesTheElboAlone() {
        Dataset test = Shapes.generate(60, 4);
        Dataset train = Shapes.generate(40, 5);
        List<String> messages = new ArrayList<>();
        ProgressListener progress = new ProgressListener() {
            @Override
            public void progress(long done, long total) {}

            @Override
            public void message(String message) {
                messages.add(message);
            }
        };
        try (NDManager manager = NDManager.newBaseManager();
                VaeModel model = VaeModel.initialize(MODEL, manager, 1)) {
            RunEvaluation fixed = RunEvaluation.compute(
                    model, manager, test, "test", train, new RunArtifacts.Options(20, 3, 1), progress);
            assertThat(fixed.k()).isEqualTo(20);
            assertThat(messages).isEmpty();
            // A budget no evaluation fits: K goes down to 1, and the progress line says so.
            RunEvaluation squeezed = RunEvaluation.compute(
                    model, manager, test, "test", train, new RunArtifacts.Options(20, 3, 1, 1e-9), progress);
            assertThat(squeezed.k()).isEqualTo(1);
            assertThat(messages).singleElement().asString().startsWith("K=1:");
            // A budget every K fits keeps the largest.
            RunEvaluation ample = RunEvaluation.compute(
                    model, manager, test, "test", train, new RunArtifacts.Options(20, 3, 1, 1e6), progress);
            assertThat(ample.k()).isEqualTo(20);
            // The ELBO is each example's first particle, whatever K: the same numbers.
            assertThat(squeezed.summary().elbo()).isEqualTo(fixed.summary().elbo());
            assertThat(ample.summary().elbo()).isEqualTo(fixed.summary().elbo());
            assertThat(ample.loglik()).isEqualTo(fixed.loglik());
            assertThat(fixed.meanLoglik()).isGreaterThan(squeezed.meanLoglik());
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
