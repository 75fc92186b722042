package io.github.elbo4j.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.elbo4j.data.DataException;
import io.github.elbo4j.vae.model.Tensor;
import io.github.elbo4j.vae.run.MetricsLog;
import io.github.elbo4j.vae.run.RunDirectory;
import io.github.elbo4j.vae.run.RunLock;
import io.github.elbo4j.vae.run.Safetensors;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The fault suite of a run directory (issue 21): one writer per run, checkpoints that verify
 * their checksum, run identity and metadata, resume falling back to {@code best}, one
 * {@code metrics.jsonl} policy, changed data, and the leftovers of killed processes.
 */
class RunIntegrityTest {

    @TempDir
    static Path shared;

    @TempDir
    Path dir;

    private static Path data;
    /** A finished two-epoch run; each test works on its own copy. */
    private static Path trained;

    private static final String[] MODEL = {
        "--hidden", "16", "--latent", "2", "--batch-size", "20", "--seed", "3", "--threads", "1"
    };

    @BeforeAll
    static void trainOnce() throws IOException {
        data = TestData.shapesFolder(shared.resolve("data"));
        trained = shared.resolve("trained");
        List<String> args = new ArrayList<>(
                List.of("train", "--data", data.toString(), "--out", trained.toString(), "--epochs", "2"));
        args.addAll(List.of(MODEL));
        CliRunner.Result r = CliRunner.run(args.toArray(String[]::new));
        assertThat(r.exitCode()).as(r.err()).isZero();
    }

    private Path copyOfRun() throws IOException {
        return BadInputSuiteTest.copyRun(trained, dir);
    }

    // ---- one writer per run ----

    @Test
    void secondWriterIsRefusedNamingTheHolderAndMetricsKeepOneRowPerEpoch() throws Exception {
        Path run = copyOfRun();
        Process first = CliRunner.start(
                dir.resolve("first.err"), "train", "--resume", run.toString(), "--epochs", "400", "--threads", "1");
        try {
            Path lock = run.resolve(RunLock.FILE_NAME);
            String holder = "pid " + first.pid() + ")";
            for (int i = 0;
                    i < 1200
                            && first.isAlive()
                            && !(Files.exists(lock) && Files.readString(lock).contains(holder));
                    i++) {
                Thread.sleep(50);
            }
            assertThat(Files.readString(lock))
                    .as("the first resume holds the lock")
                    .contains("train --resume")
                    .contains(holder);

            Process second = CliRunner.start(
                    dir.resolve("second.err"),
                    "train",
                    "--resume",
                    run.toString(),
                    "--epochs",
                    "400",
                    "--threads",
                    "1");
            assertThat(second.waitFor(120, TimeUnit.SECONDS)).isTrue();
            // The JVM's own warning about the incubator module aside, the refusal is one line.
            List<String> lines = Files.readAllLines(dir.resolve("second.err")).stream()
                    .filter(l -> !l.startsWith("WARNING: Using incubator modules"))
                    .toList();
            assertThat(second.exitValue()).as(lines.toString()).isEqualTo(2);
            assertThat(lines).hasSize(1);
            String refusal = lines.get(0);
            assertThat(refusal)
                    .startsWith("elbo4j: " + run + ": in use by elbo4j train --resume")
                    .contains(holder);

            // report refuses too, rather than pairing the old model with the new metrics
            CliRunner.Result report = CliRunner.run("report", "--run", run.toString(), "--k", "2");
            assertThat(report.exitCode()).as(report.err()).isEqualTo(2);
            assertThat(report.err()).contains("in use by elbo4j train --resume").contains(holder);
            assertThat(first.isAlive()).as("the first resume still runs").isTrue();
        } finally {
            first.destroy(); // SIGTERM: stops at a step boundary with a checkpoint
            assertThat(first.waitFor(120, TimeUnit.SECONDS)).isTrue();
        }
        List<Integer> epochs = epochs(run);
        assertThat(epochs)
                .as("one row per epoch, in order")
                .doesNotHaveDuplicates()
                .isSorted();
        assertThat(epochs.get(epochs.size() - 1)).isEqualTo(epochs.size());
    }

    // ---- checkpoints you can trust ----

    @Test
    void corruptTruncatedForeignAndForgedCheckpointsAreRefusedNamingTheFile() throws IOException {
        Path run = copyOfRun();
        RunDirectory directory = RunDirectory.open(run);
        Path latest = directory.latestCheckpoint();
        byte[] original = Files.readAllBytes(latest);
        Map<String, Consumer<Path>> faults = new LinkedHashMap<>();
        faults.put("checksum mismatch", file -> flipBit(file, original.length - 5));
        faults.put("lie outside", file -> truncate(file, original.length - 100));
        faults.put("checksum mismatch ", file -> zeroTail(file, 64));
        faults.put(
                "belongs to another run",
                file -> forge(file, "run_id", UUID.randomUUID().toString()));
        faults.put("epoch -5 is negative", file -> forge(file, "epoch", "-5"));
        faults.put("batches_into_epoch -100 is negative", file -> forge(file, "batches_into_epoch", "-100"));
        faults.put("learning_rate NaN", file -> forge(file, "learning_rate", "NaN"));
        faults.put("learning_rate 0.0", file -> forge(file, "learning_rate", "0"));
        faults.put("value 0 is NaN", file -> forgeParameter(file, Float.NaN));
        for (Map.Entry<String, Consumer<Path>> fault : faults.entrySet()) {
            Files.write(latest, original);
            fault.getValue().accept(latest);
            assertThatThrownBy(() -> directory.readCheckpoint(latest))
                    .as(fault.getKey())
                    .isInstanceOf(DataException.class)
                    .hasMessageStartingWith(latest.toString())
                    .hasMessageContaining(fault.getKey().strip())
                    .hasMessageNotContaining("\n");
        }
    }

    @Test
    void resumeFallsBackToBestWhenLatestFailsAndEndsWithFiniteParametersAndNoGap() throws IOException {
        Path run = copyOfRun();
        RunDirectory directory = RunDirectory.open(run);
        int bestEpoch =
                directory.readCheckpoint(directory.bestCheckpoint()).position().epoch();
        flipBit(directory.latestCheckpoint(), (int) Files.size(directory.latestCheckpoint()) - 5);

        CliRunner.Result r = CliRunner.run("train", "--resume", run.toString(), "--epochs", "3", "--threads", "1");

        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.err())
                .contains(directory.latestCheckpoint() + ": elbo4j_crc32c: checksum mismatch")
                .contains("resuming from " + directory.bestCheckpoint() + " (epoch " + bestEpoch + ")");
        assertThat(epochs(run)).containsExactly(1, 2, 3);
        for (Tensor t : Safetensors.read(directory.modelFile()).tensors().values()) {
            for (float v : t.data()) {
                assertThat(Float.isFinite(v)).isTrue();
            }
        }
        assertThat(directory
                        .readCheckpoint(directory.latestCheckpoint())
                        .position()
                        .epoch())
                .isEqualTo(3);
    }

    @Test
    void forgedBatchPositionFallsBackToBestAndANegativeEpochNeverReachesTheMetrics() throws IOException {
        Path run = copyOfRun();
        RunDirectory directory = RunDirectory.open(run);
        forge(directory.latestCheckpoint(), "batches_into_epoch", "100000");

        CliRunner.Result r = CliRunner.run("train", "--resume", run.toString(), "--epochs", "3", "--threads", "1");

        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.err())
                .contains("batches_into_epoch 100000 lies beyond the 20 batches of an epoch")
                .contains("resuming from " + directory.bestCheckpoint());
        assertThat(epochs(run)).containsExactly(1, 2, 3);
    }

    @Test
    void withNoUsableCheckpointResumeRefusesRatherThanRestartingFromEpochZero() throws IOException {
        Path run = copyOfRun();
        RunDirectory directory = RunDirectory.open(run);
        forge(directory.latestCheckpoint(), "epoch", "-5");
        Files.delete(directory.bestCheckpoint());
        byte[] metrics = Files.readAllBytes(directory.metricsFile());

        CliRunner.Result r = CliRunner.run("train", "--resume", run.toString(), "--epochs", "3", "--threads", "1");

        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err().strip())
                .doesNotContain("\n")
                .contains("epoch -5 is negative")
                .contains(directory.bestCheckpoint() + ": missing")
                .contains("refusing to restart");
        assertThat(Files.readAllBytes(directory.metricsFile())).isEqualTo(metrics);
    }

    @Test
    void aRunKilledInItsFinalPhaseIsCompletedByResume() throws IOException {
        Path run = copyOfRun();
        Files.delete(run.resolve("report.html"));

        CliRunner.Result r = CliRunner.run("train", "--resume", run.toString(), "--threads", "1");

        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(run.resolve("report.html")).exists();
        assertThat(epochs(run)).containsExactly(1, 2);
        CliRunner.Result again = CliRunner.run("train", "--resume", run.toString(), "--threads", "1");
        assertThat(again.exitCode()).isEqualTo(2);
        assertThat(again.err()).contains("already trained for 2 epochs");
    }

    @Test
    void aRunCreatedBeforeRunIdsGetsOneOnResume() throws IOException {
        Path run = copyOfRun();
        RunDirectory directory = RunDirectory.open(run);
        ObjectNode config = (ObjectNode) directory.readConfig();
        config.remove(RunDirectory.RUN_ID);
        Files.writeString(directory.configFile(), config.toPrettyString());
        // its checkpoints carried no id either
        forge(directory.latestCheckpoint(), RunDirectory.RUN_ID, null);
        forge(directory.bestCheckpoint(), RunDirectory.RUN_ID, null);

        CliRunner.Result r = CliRunner.run("train", "--resume", run.toString(), "--epochs", "3", "--threads", "1");

        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.err()).contains("created before elbo4j recorded run ids");
        String id = directory.runId();
        assertThat(id).isNotNull();
        assertThat(Safetensors.read(directory.latestCheckpoint()).metadata()).containsEntry(RunDirectory.RUN_ID, id);
        assertThat(Safetensors.read(directory.modelFile()).metadata()).containsEntry(RunDirectory.RUN_ID, id);
    }

    @Test
    void aModelFromAnotherRunIsRefused() throws IOException {
        Path run = copyOfRun();
        forge(
                run.resolve("model.safetensors"),
                RunDirectory.RUN_ID,
                UUID.randomUUID().toString());

        CliRunner.Result r = CliRunner.run("eval", "--run", run.toString(), "--k", "2", "--limit", "10");

        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err().strip())
                .startsWith("elbo4j: " + run.resolve("model.safetensors") + ": run_id: belongs to another run");
    }

    // ---- data fingerprints ----

    @Test
    void changedDataIsRefusedOnResumeAndWarnedAboutByEval() throws IOException {
        Path run = copyOfRun();
        RunDirectory directory = RunDirectory.open(run);
        ObjectNode config = (ObjectNode) directory.readConfig();
        ((ObjectNode) config.path("data").path("train")).put("fingerprint", "0000");
        Files.writeString(directory.configFile(), config.toPrettyString());

        CliRunner.Result resume = CliRunner.run("train", "--resume", run.toString(), "--epochs", "3", "--threads", "1");
        assertThat(resume.exitCode()).isEqualTo(2);
        assertThat(resume.err().strip())
                .doesNotContain("\n")
                .contains("the train split's fingerprint differs")
                .contains("--allow-changed-data");

        CliRunner.Result eval = CliRunner.run("eval", "--run", run.toString(), "--k", "2", "--limit", "10");
        assertThat(eval.exitCode()).as(eval.err()).isZero();
        assertThat(eval.err())
                .contains("warning")
                .contains("the train split of")
                .contains("fingerprint changed");
    }

    // ---- metrics.jsonl: one policy ----

    @Test
    void tornLastLineIsDroppedWithANoticeAndDuplicatesAreAnErrorNamingTheLine() throws IOException {
        Path file = dir.resolve("metrics.jsonl");
        Files.writeString(file, "{\"epoch\":1}\n{\"epoch\":2}\n{\"epo");
        MetricsLog torn = MetricsLog.read(file);
        assertThat(torn.rows()).hasSize(2);
        assertThat(torn.notice()).contains("line 3 is incomplete");

        Files.writeString(file, "{\"epoch\":1}\n{\"epoch\":2}\n{\"epoch\":2}\n{\"epoch\":3}\n");
        assertThatThrownBy(() -> MetricsLog.read(file))
                .isInstanceOf(DataException.class)
                .hasMessage(
                        file
                                + ": line 3: epoch 2 is a duplicate (it follows epoch 2); the file was written by two writers or edited");
        Files.writeString(file, "{\"epoch\":2}\n{\"epoch\":1}\n");
        assertThatThrownBy(() -> MetricsLog.read(file)).hasMessageContaining("line 2: epoch 1 is out of order");
    }

    @Test
    void reportRefusesDuplicateEpochsAndResumeDropsATornRow() throws IOException {
        Path run = copyOfRun();
        Path metrics = run.resolve("metrics.jsonl");
        List<String> lines = Files.readAllLines(metrics);
        Files.writeString(metrics, String.join("\n", lines) + "\n" + lines.get(1) + "\n");
        CliRunner.Result report = CliRunner.run("report", "--run", run.toString(), "--k", "2");
        assertThat(report.exitCode()).isEqualTo(2);
        assertThat(report.err()).contains(metrics + ": line 3: epoch 2 is a duplicate");

        Files.writeString(metrics, String.join("\n", lines) + "\n{\"epoch\":3,\"elb");
        CliRunner.Result resume = CliRunner.run("train", "--resume", run.toString(), "--epochs", "3", "--threads", "1");
        assertThat(resume.exitCode()).as(resume.err()).isZero();
        assertThat(resume.err()).contains("line 3 is incomplete");
        assertThat(epochs(run)).containsExactly(1, 2, 3);
    }

    // ---- leftovers of killed processes ----

    @Test
    void temporaryFilesAndStagingFoldersOfKilledProcessesAreRemoved() throws IOException {
        Path run = copyOfRun();
        Path temporary = run.resolve("checkpoints").resolve(".latest.safetensors." + UUID.randomUUID() + ".tmp");
        Files.writeString(temporary, "half a checkpoint");
        Path staging = dir.resolve(".other.creating-" + UUID.randomUUID());
        Files.createDirectories(staging.resolve("checkpoints"));
        Files.writeString(staging.resolve("config.json"), "{}");
        Path busyStaging = dir.resolve(".busy.creating-" + UUID.randomUUID());
        Files.createDirectories(busyStaging);

        CliRunner.Result report = CliRunner.run("report", "--run", run.toString(), "--k", "2");
        assertThat(report.exitCode()).as(report.err()).isZero();
        assertThat(temporary).doesNotExist();

        RunDirectory existing = RunDirectory.open(run);
        try (RunLock creating = RunLock.acquire(busyStaging, "train")) {
            RunDirectory.create(dir.resolve("fresh"), existing.manifest().withRunId(null), existing.readModelConfig());
        }
        assertThat(staging).as("a killed creator's staging folder").doesNotExist();
        assertThat(busyStaging).as("a staging folder whose creator is alive").exists();
        assertThat(RunDirectory.open(dir.resolve("fresh")).runId()).isNotNull();
    }

    // ---- helpers ----

    private static List<Integer> epochs(Path run) throws IOException {
        ObjectMapper json = new ObjectMapper();
        List<Integer> epochs = new ArrayList<>();
        for (String line : Files.readAllLines(run.resolve("metrics.jsonl"), StandardCharsets.UTF_8)) {
            JsonNode row = json.readTree(line);
            epochs.add(row.path("epoch").asInt());
        }
        return epochs;
    }

    private static void flipBit(Path file, int offset) {
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
            f.seek(offset);
            int b = f.read();
            f.seek(offset);
            f.write(b ^ 0x10);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    private static void truncate(Path file, int length) {
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
            f.setLength(length);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    private static void zeroTail(Path file, int bytes) {
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
            f.seek(f.length() - bytes);
            f.write(new byte[bytes]);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    /** Rewrites a metadata entry (null removes it) with a valid checksum: what a forger would do. */
    private static void forge(Path file, String key, String value) {
        Safetensors.Contents contents = Safetensors.read(file);
        Map<String, String> metadata = new LinkedHashMap<>(contents.metadata());
        if (value == null) {
            metadata.remove(key);
        } else {
            metadata.put(key, value);
        }
        Safetensors.write(file, contents.tensors(), metadata);
    }

    private static void forgeParameter(Path file, float value) {
        Safetensors.Contents contents = Safetensors.read(file);
        Map<String, Tensor> tensors = new LinkedHashMap<>(contents.tensors());
        Tensor parameters = tensors.get("parameters");
        float[] values = parameters.data().clone();
        values[0] = value;
        tensors.put("parameters", new Tensor(parameters.shape(), values));
        Safetensors.write(file, tensors, contents.metadata());
    }
}
