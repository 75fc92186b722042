package io.github.elbo4j.cli;

import picocli.CommandLine.Option;

/** {@code --threads}, on the commands that spread training or evaluation over several cores. */
final class ThreadOptions {

    @Option(
            names = "--threads",
            paramLabel = "N",
            description = "Worker threads for training (the matrix products of each step, and validation) and for"
                    + " evaluation; each runs the tensor engine on one thread. Default: all cores.")
    Integer threads;

    /** The number of worker threads: --threads, else one per core. */
    int count() {
        int n = threads == null ? Runtime.getRuntime().availableProcessors() : threads;
        if (n < 1) {
            throw new IllegalArgumentException("--threads must be at least 1, got " + n);
        }
        return n;
    }
}
