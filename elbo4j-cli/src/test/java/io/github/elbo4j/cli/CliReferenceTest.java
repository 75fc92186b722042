package io.github.elbo4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * Keeps {@code docs/cli.md} equal to what {@link CliReference} generates from the command tree.
 * With {@code -Delbo4j.docs.write=true} it rewrites the page instead of comparing.
 */
class CliReferenceTest {

    @Test
    void committedReferenceMatchesTheCommandTree() throws IOException {
        Path page = RepositoryRoot.find().resolve("docs").resolve("cli.md");
        String generated = CliReference.markdown();
        if (Boolean.getBoolean("elbo4j.docs.write")) {
            Files.writeString(page, generated, StandardCharsets.UTF_8);
        }
        assertThat(page).as("docs/cli.md").exists();
        assertThat(Files.readString(page, StandardCharsets.UTF_8))
                .as("docs/cli.md is stale: regenerate it with %s", CliReference.REGENERATE)
                .isEqualTo(generated);
    }

    @Test
    void everyCommandHasASection() {
        String page = CliReference.markdown();
        for (String name : Main.newCommandLine().getSubcommands().keySet()) {
            if (!name.equals("help")) {
                assertThat(page).contains("## elbo4j " + name + "\n");
            }
        }
    }
}
