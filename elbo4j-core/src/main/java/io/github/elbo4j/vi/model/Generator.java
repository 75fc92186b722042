package io.github.elbo4j.vi.model;

import java.util.random.RandomGenerator;

/**
 * A generated quantity of a {@link JavaModel} (Stan's {@code generated quantities}): computed from
 * one posterior draw of the parameters, possibly at random, e.g. a posterior predictive replicate.
 * It runs only when {@link JavaModel#generatedQuantities} draws, never while fitting.
 */
@FunctionalInterface
public interface Generator {

    /**
     * Draws the quantity.
     *
     * @param random the source of randomness of this draw
     * @return its values (a scalar quantity returns one value)
     */
    double[] draw(RandomGenerator random);
}
