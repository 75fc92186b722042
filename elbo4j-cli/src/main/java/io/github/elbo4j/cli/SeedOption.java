package io.github.elbo4j.cli;

import picocli.CommandLine.Option;

/**
 * {@code --seed}, on the commands whose random draws (evaluation noise, prior samples, a fit's
 * draws) it fixes. {@code train} and {@code report} declare their own: there the seed is the run's,
 * recorded in {@code config.json}, and {@code report} defaults to it.
 */
final class SeedOption {

    @Option(names = "--seed", paramLabel = "SEED", defaultValue = "0", description = "Default: ${DEFAULT-VALUE}.")
    long seed;

    /** The seed: --seed, else 0. */
    long value() {
        return seed;
    }
}
