package io.github.elbo4j.vae.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The internal package is public only for the vae packages: no other module's main code may import
 * it, so changing a kernel never breaks a user of the library (docs/ARCHITECTURE.md, "Packages").
 */
class InternalPackageTest {

    @Test
    void noOtherModuleImportsTheInternalPackage() throws IOException {
        Path root = Path.of("").toAbsolutePath().getParent();
        assumeTrue(Files.exists(root.resolve("elbo4j-vae")), "not run from a module of the repository");
        List<String> offenders;
        try (Stream<Path> files = Files.walk(root)) {
            offenders = files.filter(p -> p.toString().endsWith(".java"))
                    .filter(p -> p.toString().contains("/src/main/java/"))
                    .filter(p -> !root.relativize(p).startsWith("elbo4j-vae"))
                    .filter(p -> !p.toString().contains("/target/"))
                    .filter(InternalPackageTest::importsInternal)
                    .map(p -> root.relativize(p).toString())
                    .toList();
        }
        assertThat(offenders)
                .as("main sources outside elbo4j-vae that import vae.internal")
                .isEmpty();
    }

    private static boolean importsInternal(Path file) {
        try {
            return Files.readString(file).contains("import io.github.elbo4j.vae.internal.");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
