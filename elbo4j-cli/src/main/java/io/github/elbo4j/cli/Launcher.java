package io.github.elbo4j.cli;

import java.nio.file.Files;
import java.nio.file.Path;

/** How the user started elbo4j, so that a suggested next command runs when pasted. */
final class Launcher {

    /** Set by the {@code elbo4j} launcher script: {@code elbo4j} when it is on the PATH, else the path it was run by. */
    static final String PROPERTY = "elbo4j.command";

    private Launcher() {}

    /** {@code ./elbo4j}, {@code elbo4j}, or {@code java -jar PATH} for a jar started directly. */
    static String command() {
        String launcher = System.getProperty(PROPERTY);
        if (launcher != null && !launcher.isBlank()) {
            return launcher;
        }
        try {
            Path jar = Path.of(Launcher.class
                    .getProtectionDomain()
                    .getCodeSource()
                    .getLocation()
                    .toURI());
            if (Files.isRegularFile(jar)) {
                return "java -jar " + jar;
            }
        } catch (Exception unknown) {
            // no code source (tests, an unusual class loader): the plain name below
        }
        return "elbo4j";
    }
}
