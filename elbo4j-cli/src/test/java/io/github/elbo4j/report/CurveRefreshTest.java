package io.github.elbo4j.report;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.elbo4j.vae.model.VaeConfig;
import io.github.elbo4j.vae.run.RunDirectory;
import io.github.elbo4j.vae.run.RunManifest;
import io.github.elbo4j.vae.train.EpochMetrics;
import io.github.elbo4j.vae.train.TrainingListener;
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

/** The curves are redrawn every few epochs while every event still reaches the progress bar. */
class CurveRefreshTest {

    @TempDir
    Path dir;

    private static EpochMetrics epoch(int n) {
        return new EpochMetrics(
                n, 10L * n, -200 + 10 * n, -180 + 10 * n, 20, 1, 1e-3, -205 + 10 * n, Double.NaN, n, 1000, Double.NaN);
    }

    @Test
    void redrawsEveryNthEpochAndForwardsEveryEvent() {
        RunDirectory run = RunDirectory.create(
                dir.resolve("run"),
                RunManifest.empty(),
                VaeConfig.builder().inputShape(28, 28).hidden(8).latent(2).build());
        List<String> forwarded = new ArrayList<>();
        TrainingListener progress = new TrainingListener() {
            @Override
            public void onStart(long totalSteps, long completedSteps) {
                forwarded.add("start");
            }

            @Override
            public void onStep(long step, double batchElbo, double samplesPerSecond) {
                forwarded.add("step");
            }

            @Override
            public void onEpoch(EpochMetrics metrics) {
                forwarded.add("epoch " + metrics.epoch());
            }

            @Override
            public void onRollback(long failedAtStep, long resumedAtStep, double learningRate) {
                forwarded.add("rollback");
            }
        };
        CurveRefresh refresh = new CurveRefresh(progress, run, 3, System.err);
        Path curves = run.plotsDirectory().resolve(TrainingCurves.FILE);
        refresh.onStart(100, 0);
        refresh.onStep(1, -200, 1000);
        for (int n = 1; n <= 3; n++) {
            assertThat(curves).as("before epoch " + n).doesNotExist();
            run.appendMetrics(epoch(n));
            refresh.onEpoch(epoch(n));
        }
        refresh.onRollback(31, 30, 5e-4);
        PngAssertions.assertNotBlank(curves);
        assertThat(forwarded).containsExactly("start", "step", "epoch 1", "epoch 2", "epoch 3", "rollback");
    }

    @Test
    void aFailedRedrawIsAWarningAndTrainingGoesOn() throws IOException {
        RunDirectory run = RunDirectory.create(
                dir.resolve("run"),
                RunManifest.empty(),
                VaeConfig.builder().inputShape(28, 28).hidden(8).latent(2).build());
        Files.writeString(run.metricsFile(), "{not json\n");
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        new CurveRefresh(TrainingListener.NONE, run, 1, new PrintStream(err, true, StandardCharsets.UTF_8))
                .onEpoch(epoch(1));
        assertThat(err.toString(StandardCharsets.UTF_8))
                .contains("could not redraw")
                .contains("curves.png");
    }
}
