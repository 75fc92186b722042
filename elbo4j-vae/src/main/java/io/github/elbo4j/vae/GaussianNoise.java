package io.github.elbo4j.vae;

import java.util.SplittableRandom;

/**
 * Standard normal noise ε ~ N(0, I) for the reparameterization z = μ + σ ⊙ ε, drawn on the JVM
 * from an explicit seed. Drawing here rather than with the engine's global generator makes the
 * noise independent of the engine, the device and the thread, and a pure function of the seed.
 */
public final class GaussianNoise {

    private GaussianNoise() {}

    /** {@code count} independent N(0, 1) draws from {@code seed}. */
    public static float[] standardNormal(int count, long seed) {
        float[] values = new float[count];
        SplittableRandom random = new SplittableRandom(seed);
        for (int i = 0; i < values.length; i++) {
            values[i] = (float) random.nextGaussian();
        }
        return values;
    }

    /**
     * Noise laid out as [particles, to − from, dimension] for examples {@code from..to-1} of a
     * dataset, where example i's particles come from a stream seeded by (seed, i) alone: the
     * values do not depend on how the examples are chunked.
     */
    public static float[] perExample(int particles, int from, int to, int dimension, long seed) {
        int examples = to - from;
        float[] values = new float[Math.multiplyExact(Math.multiplyExact(particles, examples), dimension)];
        for (int i = 0; i < examples; i++) {
            SplittableRandom random = exampleStream(seed, from + i);
            for (int p = 0; p < particles; p++) {
                int offset = (p * examples + i) * dimension;
                for (int d = 0; d < dimension; d++) {
                    values[offset + d] = (float) random.nextGaussian();
                }
            }
        }
        return values;
    }

    /**
     * The stream example {@code example}'s particles are drawn from, particle after particle and
     * dimension after dimension, by {@link #perExample} and by the fused evaluation alike.
     */
    static SplittableRandom exampleStream(long seed, long example) {
        return new SplittableRandom(Seeds.derive(seed, Seeds.Stream.EVAL_NOISE, example));
    }
}
