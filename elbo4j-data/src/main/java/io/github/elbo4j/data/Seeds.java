package io.github.elbo4j.data;

/**
 * Derivation of independent seeds from a base seed, so that every split, epoch and worker gets its
 * own reproducible random stream without shared state.
 */
final class Seeds {

    private static final long GOLDEN_GAMMA = 0x9E3779B97F4A7C15L;

    private Seeds() {}

    /**
     * A seed for stream {@code stream} of base seed {@code seed}. Uses the SplitMix64 finaliser
     * (Steele, Lea and Flood, "Fast splittable pseudorandom number generators", OOPSLA 2014), which
     * turns neighbouring inputs into unrelated outputs.
     */
    static long derive(long seed, long stream) {
        return mix64(mix64(seed) + GOLDEN_GAMMA * (stream + 1));
    }

    private static long mix64(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
