package io.github.elbo4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code elbo4j dashboard} refuses what it must before it listens (serving is tested in elbo4j-web). */
class DashboardCommandTest {

    @TempDir
    Path dir;

    @Test
    void aMissingRunIsBadInputOnOneLine() {
        Path missing = dir.resolve("nope");
        CliRunner.Result result = CliRunner.run("dashboard", "--run", missing.toString(), "--port", "0");
        assertThat(result.exitCode()).isEqualTo(Main.BAD_INPUT);
        assertThat(result.err().strip())
                .doesNotContain("\n")
                .contains(missing.toString())
                .contains("not found");
    }

    @Test
    void aFolderWithoutRunsIsBadInput() throws IOException {
        Path empty = Files.createDirectories(dir.resolve("empty"));
        CliRunner.Result result = CliRunner.run("dashboard", "--run", empty.toString(), "--port", "0");
        assertThat(result.exitCode()).isEqualTo(Main.BAD_INPUT);
        assertThat(result.err()).contains("no model.json");
    }

    @Test
    void aNonLoopbackHostNeedsAllowRemote() throws IOException {
        Path run = Files.createDirectories(dir.resolve("run"));
        Files.writeString(run.resolve("model.json"), "{}");
        CliRunner.Result result =
                CliRunner.run("dashboard", "--run", run.toString(), "--host", "0.0.0.0", "--port", "0");
        assertThat(result.exitCode()).isEqualTo(Main.BAD_INPUT);
        assertThat(result.err().strip())
                .doesNotContain("\n")
                .contains("not a loopback address")
                .contains("--allow-remote");
    }
}
