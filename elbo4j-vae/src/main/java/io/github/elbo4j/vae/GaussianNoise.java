package io.github.elbo4j.vae;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.SplittableRandom;

/**
 * Standard normal noise ε ~ N(0, I) for the reparameterization z = μ + σ ⊙ ε, drawn on the JVM
 * from an explicit seed. Drawing here rather than with the engine's global generator makes the
 * noise independent of the engine, the device and the thread, and a pure function of the seed.
 */
public final class GaussianNoise {

    private GaussianNoise() {}

    /** An array of the given shape filled with independent N(0, 1) draws from {@code seed}. */
    public static NDArray standardNormal(NDManager manager, Shape shape, long seed) {
        float[] values = new float[Math.toIntExact(shape.size())];
        SplittableRandom random = new SplittableRandom(seed);
        for (int i = 0; i < values.length; i++) {
            values[i] = (float) random.nextGaussian();
        }
        return manager.create(values, shape);
    }
}
