package io.github.elbo4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.elbo4j.vae.model.Tensor;
import io.github.elbo4j.vae.run.Checkpoint;
import io.github.elbo4j.vae.run.Safetensors;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A training process killed at random points (SIGKILL, and once SIGTERM) and resumed each time
 * ends with exactly the parameters and metric rows of an uninterrupted run.
 */
class KillAndResumeTest {

    @TempDir
    Path dir;

    private static final int EPOCHS = 30;

    private static final String[] MODEL = {
        "--epochs",
        Integer.toString(KillAndResumeTest.EPOCHS),
        "--hidden",
        "16",
        "--latent",
        "2",
        "--batch-size",
        "20",
        "--seed",
        "3",
        "--threads",
        "1"
    };

    @Test
    void killedAtRandomPointsAndResumedEndsLikeAnUninterruptedRun() throws Exception {
        Path data = TestData.shapesFolder(dir.resolve("data"));
        Path straight = dir.resolve("straight");
        List<String> trainStraight =
                new ArrayList<>(List.of("train", "--data", data.toString(), "--out", straight.toString()));
        trainStraight.addAll(List.of(MODEL));
        CliRunner.Result uninterrupted = CliRunner.run(trainStraight.toArray(String[]::new));
        assertThat(uninterrupted.exitCode()).as(uninterrupted.err()).isZero();

        Path killed = dir.resolve("killed");
        List<String> trainKilled =
                new ArrayList<>(List.of("train", "--data", data.toString(), "--out", killed.toString()));
        trainKilled.addAll(List.of(MODEL));
        Random random = new Random(20261121);
        int kills = 0;
        boolean sentTerm = false;
        String[] next = trainKilled.toArray(String[]::new);
        for (int attempt = 0; attempt < 5; attempt++) {
            Path err = dir.resolve("attempt-" + attempt + ".err");
            Process process = CliRunner.start(err, next);
            // Wait until a randomly chosen epoch has been written, then a random part of an epoch more:
            // the kill lands inside training, within an epoch or between the row and the checkpoint.
            int target = Math.min(EPOCHS - 1, rows(killed) + 1 + random.nextInt(5));
            while (process.isAlive() && rows(killed) < target) {
                Thread.sleep(5);
            }
            long delay = random.nextInt(60);
            if (!process.waitFor(delay, TimeUnit.MILLISECONDS)) {
                boolean term = attempt == 2;
                if (term) {
                    process.destroy();
                } else {
                    process.destroyForcibly();
                }
                assertThat(process.waitFor(120, TimeUnit.SECONDS)).isTrue();
                kills++;
                if (term && process.exitValue() != 0 && Files.readString(err).contains("stopped at step")) {
                    sentTerm = true;
                    assertThat(Files.readString(err)).contains("train --resume " + killed);
                }
            }
            // Killed before the run directory appeared (it is created whole or not at all): start it again.
            next = Files.isDirectory(killed)
                    ? new String[] {"train", "--resume", killed.toString(), "--threads", "1"}
                    : trainKilled.toArray(String[]::new);
        }
        Process last = CliRunner.start(dir.resolve("last.err"), next);
        assertThat(last.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(last.exitValue())
                .as(Files.readString(dir.resolve("last.err")))
                .isZero();

        assertThat(kills).as("processes stopped before they finished").isEqualTo(5);
        assertThat(sentTerm)
                .as("the SIGTERM'd process stopped with a checkpoint and said how to resume")
                .isTrue();
        assertThat(Checkpoint.read(killed.resolve("checkpoints/latest.safetensors"))
                        .position()
                        .skippedSteps())
                .as("skipped steps")
                .isZero();
        assertThat(metricRows(killed)).isEqualTo(metricRows(straight));
        Map<String, Tensor> a =
                Safetensors.read(straight.resolve("model.safetensors")).tensors();
        Map<String, Tensor> b =
                Safetensors.read(killed.resolve("model.safetensors")).tensors();
        assertThat(b.keySet()).isEqualTo(a.keySet());
        for (String name : a.keySet()) {
            assertThat(Arrays.equals(a.get(name).data(), b.get(name).data()))
                    .as(name)
                    .isTrue();
        }
        assertThat(Checkpoint.read(killed.resolve("checkpoints/latest.safetensors"))
                        .position()
                        .epoch())
                .isEqualTo(30);
    }

    @Test
    void sigtermStopsAtAStepBoundaryWithACheckpointAndSaysHowToResume() throws Exception {
        Path data = TestData.shapesFolder(dir.resolve("data"));
        Path run = dir.resolve("terminated");
        List<String> args = new ArrayList<>(List.of("train", "--data", data.toString(), "--out", run.toString()));
        args.addAll(List.of(MODEL));
        Path err = dir.resolve("terminated.err");
        Process process = CliRunner.start(err, args.toArray(String[]::new));
        Path metrics = run.resolve("metrics.jsonl");
        for (int i = 0; i < 600 && !(Files.exists(metrics) && Files.size(metrics) > 0); i++) {
            Thread.sleep(100);
        }
        assertThat(process.isAlive()).as("still training after its first epoch").isTrue();
        process.destroy();
        assertThat(process.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).isNotZero();
        assertThat(Files.readString(err)).contains("stopped at step").contains("elbo4j train --resume " + run);
        Checkpoint checkpoint = Checkpoint.read(run.resolve("checkpoints/latest.safetensors"));
        assertThat(checkpoint.position().step()).isPositive();
        assertThat(run.resolve("model.safetensors")).doesNotExist();

        Process resumed = CliRunner.start(dir.resolve("resumed.err"), "train", "--resume", run.toString());
        assertThat(resumed.waitFor(180, TimeUnit.SECONDS)).isTrue();
        assertThat(resumed.exitValue())
                .as(Files.readString(dir.resolve("resumed.err")))
                .isZero();
        assertThat(metricRows(run)).hasSize(30);
    }

    private static int rows(Path run) throws IOException {
        Path metrics = run.resolve("metrics.jsonl");
        return Files.exists(metrics)
                ? (int) Files.readAllLines(metrics).stream()
                        .filter(l -> l.endsWith("}"))
                        .count()
                : 0;
    }

    /** The metric rows without the fields that measure time and memory. */
    private static List<String> metricRows(Path run) throws IOException {
        ObjectMapper json = new ObjectMapper();
        List<String> rows = new ArrayList<>();
        for (String line : Files.readAllLines(run.resolve("metrics.jsonl"), StandardCharsets.UTF_8)) {
            ObjectNode row = (ObjectNode) json.readTree(line);
            row.remove(List.of("seconds", "samples_per_s", "rss_mb"));
            rows.add(row.toString());
        }
        return rows;
    }
}
