package io.github.elbo4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.elbo4j.data.DataException;
import io.github.elbo4j.data.Dataset;
import io.github.elbo4j.data.Shapes;
import io.github.elbo4j.vae.eval.EvaluationResult;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The short path: train, evaluate, sample, reconstruct, report, load, on a few hundred shapes. */
class VaeTest {

    private static final Dataset TRAIN = Shapes.generate(300, 1);
    private static final Dataset VALID = Shapes.generate(100, 2);

    @TempDir
    Path folder;

    @Test
    void aTrainedRunLoadsBackAsTheSameModel() {
        Path run = folder.resolve("run");
        ByteArrayOutputStream console = new ByteArrayOutputStream();
        EvaluationResult trained;
        float[][] samples;
        try (Vae vae = Vae.training()
                .hidden(32)
                .latent(4)
                .epochs(2)
                .batchSize(50)
                .seed(7)
                .progress(new ConsoleProgress(new PrintStream(console, true, StandardCharsets.UTF_8)))
                .runDirectory(run)
                .train(TRAIN, VALID)) {
            trained = vae.evaluate(VALID, 10);
            samples = vae.sample(3);
            assertThat(vae.reconstruct(VALID.head(5))).hasDimensions(5, 28 * 28);
            Path report = vae.writeReport(VALID, TRAIN, 10);
            assertThat(report).isRegularFile().hasFileName("report.html");
            assertThat(run.resolve("plots").resolve("samples.png")).isRegularFile();
        }
        assertThat(trained.n()).isEqualTo(VALID.rows());
        assertThat(trained.loglik()).isFinite().isGreaterThanOrEqualTo(trained.elbo() - 1e-9);
        assertThat(samples).hasNumberOfRows(3);
        String lines = console.toString(StandardCharsets.UTF_8);
        assertThat(lines).startsWith("training: 12 steps");
        assertThat(lines.lines().filter(l -> l.startsWith("epoch "))).hasSize(2);

        try (Vae loaded = Vae.load(run)) {
            EvaluationResult again = loaded.evaluate(VALID, 10);
            assertThat(again.loglik()).isEqualTo(trained.loglik());
            assertThat(again.elbo()).isEqualTo(trained.elbo());
            assertThat(loaded.sample(3)).isDeepEqualTo(samples);
            assertThat(loaded.config().latent()).isEqualTo(4);
        }
    }

    @Test
    void aModelTrainedInMemoryHasNoReportAndAnOccupiedFolderIsRefused() throws Exception {
        try (Vae vae = Vae.training().hidden(16).latent(2).epochs(1).train(TRAIN.head(100))) {
            assertThat(vae.runDirectory()).isNull();
            assertThatThrownBy(() -> vae.writeReport(VALID, TRAIN, 5))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("runDirectory(path)");
        }
        Path occupied = Files.createDirectories(folder.resolve("occupied"));
        Files.writeString(occupied.resolve("notes.txt"), "mine");
        assertThatThrownBy(() -> Vae.training().epochs(1).runDirectory(occupied).train(TRAIN.head(100)))
                .isInstanceOf(DataException.class)
                .hasMessageContaining("already exists");
        assertThat(occupied)
                .isDirectoryContaining(p -> p.getFileName().toString().equals("notes.txt"));
        assertThat(Files.list(occupied).count()).isEqualTo(1);
    }
}
