package io.github.elbo4j.vi;

import ai.djl.ndarray.NDArray;

/** A log density written with DJL operations, evaluated on a batch of particles at once. */
@FunctionalInterface
public interface LogDensity {

    /**
     * Evaluates the density.
     *
     * @param values the parameters ({@code [S, ...]} each) and data
     * @return the log density of each particle, shape {@code [S]}
     */
    NDArray logDensity(ParameterValues values);
}
