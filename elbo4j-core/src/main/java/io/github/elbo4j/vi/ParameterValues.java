package io.github.elbo4j.vi;

import ai.djl.ndarray.NDArray;
import java.util.Map;

/**
 * Parameter values of a batch of particles on the constrained scale, and the model's data, as seen
 * by a log density.
 *
 * <p>Arrays are float64. A block of shape {@code (k)} is {@code [S, k]}; a scalar block is {@code
 * [S, 1]}. Results derived from these arrays are freed by the fitting loop after each step, so a
 * log density need not close anything.
 */
public final class ParameterValues {

    private final Map<String, NDArray> parameters;
    private final Map<String, NDArray> data;
    private final int numParticles;

    ParameterValues(Map<String, NDArray> parameters, Map<String, NDArray> data, int numParticles) {
        this.parameters = parameters;
        this.data = data;
        this.numParticles = numParticles;
    }

    /**
     * A parameter block's values.
     *
     * @param name the block name
     * @return {@code [S, shape...]} ({@code [S, 1]} for a scalar)
     * @throws IllegalArgumentException naming the blocks if there is no such block
     */
    public NDArray get(String name) {
        NDArray values = parameters.get(name);
        if (values == null) {
            throw new IllegalArgumentException(
                    "no parameter block '" + name + "'; blocks are " + String.join(", ", parameters.keySet()));
        }
        return values;
    }

    /**
     * A declared data array.
     *
     * @param name the {@link DataArray} name
     * @return the array with its declared shape
     * @throws IllegalArgumentException naming the data if there is no such array
     */
    public NDArray data(String name) {
        NDArray values = data.get(name);
        if (values == null) {
            throw new IllegalArgumentException("no data '" + name + "'; data are " + String.join(", ", data.keySet()));
        }
        return values;
    }

    /** The number of particles S. */
    public int numParticles() {
        return numParticles;
    }
}
