package io.github.elbo4j.cli;

import java.nio.file.Path;
import picocli.CommandLine.Option;

/** {@code --run}, on the commands that read one run directory written by {@code train}. */
final class RunOption {

    @Option(names = "--run", paramLabel = "RUN", required = true, description = "Run directory written by train.")
    Path run;

    /** The run directory's path. */
    Path path() {
        return run;
    }
}
