package io.github.elbo4j.cli;

import java.nio.file.Files;
import java.nio.file.Path;

/** Finds the repository root (the folder with {@code mvnw} and {@code README.md}) above the working directory. */
final class RepositoryRoot {

    private RepositoryRoot() {}

    static Path find() {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.isRegularFile(dir.resolve("mvnw")) && Files.isRegularFile(dir.resolve("README.md"))) {
                return dir;
            }
        }
        throw new IllegalStateException(
                "no repository root (mvnw and README.md) above " + Path.of("").toAbsolutePath());
    }
}
