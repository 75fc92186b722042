package io.github.elbo4j.vae.train;

/**
 * Derives independent seeds from a run seed, a purpose and an index (step, epoch, chunk), so that
 * every random draw is a pure function of (seed, purpose, index): runs are reproducible and a
 * resumed run draws exactly what the uninterrupted one would have, with no RNG state to save.
 */
public final class Seeds {

    /**
     * Purpose of a derived seed; separates the streams. Each has a fixed id, so adding or removing a
     * stream never changes the draws of the others (and of runs made before).
     */
    public enum Stream {
        /** Parameter initialization. */
        INIT(1),
        /** Reparameterization noise of training, indexed by step. */
        TRAIN_NOISE(3),
        /** Noise of validation and evaluation, indexed by example. */
        EVAL_NOISE(4),
        /** LatentPrior samples for generation. */
        SAMPLE(5);

        private final int id;

        Stream(int id) {
            this.id = id;
        }
    }

    private Seeds() {}

    /** A seed for {@code stream} at {@code index}, mixed with SplitMix64's finalizer. */
    public static long derive(long seed, Stream stream, long index) {
        long z = seed * 0x9E3779B97F4A7C15L + stream.id * 0xBF58476D1CE4E5B9L + index;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
