package io.github.elbo4j.cli;

import picocli.CommandLine.Option;

/** {@code --threads}, on the commands that spread training or evaluation over several cores. */
final class ThreadOptions {

    @Option(
            names = "--threads",
            paramLabel = "N",
            description =
                    "Worker threads for training (the matrix products of each step, and validation) and for"
                            + " evaluation; each runs the tensor engine on one thread, except where training goes through"
                            + " the engine (e.g. a convolutional model trained by IWAE), whose operations then use all N. Default: all cores.")
    Integer threads;

    /**
     * The engine's intra-op threads for a command that trains with {@code threads} threads: one
     * when the fused step trains the model (it splits each step over JVM threads itself, and each
     * evaluation worker then runs the engine on one thread), else all of them, because a step
     * through the engine records one autograd graph at a time and its only parallelism is inside
     * the operations (the convolutional VAE, whose convolutions split well over cores).
     */
    static int intraOpThreads(boolean fusedTraining, int threads) {
        return fusedTraining ? 1 : threads;
    }

    /**
     * Evaluation workers that keep {@code threads} cores busy without oversubscribing them when
     * each runs the engine with {@code intraOpThreads} threads: OpenMP threads spin while they wait,
     * so two workers of two threads each on two cores run slower than one.
     */
    static int workers(int threads, int intraOpThreads) {
        return Math.max(1, threads / intraOpThreads);
    }

    /** The number of worker threads: --threads, else one per core. */
    int count() {
        int n = threads == null ? Runtime.getRuntime().availableProcessors() : threads;
        if (n < 1) {
            throw new IllegalArgumentException("--threads must be at least 1, got " + n);
        }
        return n;
    }
}
