package io.github.elbo4j.distributions;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.github.elbo4j.math.ArrayScope;
import io.github.elbo4j.math.SpecialFunctions;
import java.util.Objects;

/**
 * The standard multivariate normal N(0, I_d), the usual VAE prior; the event is the last axis (size
 * {@code d}) and the batch shape is empty.
 *
 * <pre>
 *   log p(z) = −½ Σ_j z_j² − (d/2) log 2π
 *   H        = (d/2)(1 + log 2π)
 * </pre>
 *
 * <p>It holds no parameter tensor: {@code logProb} broadcasts over any leading axes of its argument
 * and its result is attached to the <em>argument's</em> manager, as is the result of {@code
 * rsample} (a copy of the noise). {@link #mean()} and {@link #entropy()} allocate in the manager
 * given to the constructor. Reference: Kingma and Welling, "Auto-Encoding Variational Bayes", ICLR
 * 2014, §3.
 */
public final class StandardNormal implements ReparameterizedDistribution {

    private final NDManager manager;
    private final long dimension;

    /**
     * Creates N(0, I) on {@code R^dimension}.
     *
     * @param manager the manager for {@link #mean()}, {@link #entropy()} and, by default, samples
     * @param dimension the event size d, at least 1
     * @throws IllegalArgumentException if {@code dimension < 1}
     */
    public StandardNormal(NDManager manager, long dimension) {
        this.manager = Objects.requireNonNull(manager, "manager");
        if (dimension < 1) {
            throw new IllegalArgumentException("StandardNormal dimension must be at least 1, got " + dimension);
        }
        this.dimension = dimension;
    }

    /**
     * The event size d.
     *
     * @return d
     */
    public long dimension() {
        return dimension;
    }

    /** {@inheritDoc} {@code −½ Σ z² − (d/2) log 2π}, attached to {@code value}'s manager. */
    @Override
    public NDArray logProb(NDArray value) {
        Checks.eventSize("StandardNormal", value, dimension);
        try (ArrayScope scope = ArrayScope.open(value.getManager(), value)) {
            NDArray result = value.square()
                    .sum(new int[] {-1})
                    .mul(SpecialFunctions.scalar(value, -0.5))
                    .sub(SpecialFunctions.scalar(value, dimension * SpecialFunctions.HALF_LOG_2PI));
            return scope.ret(result);
        }
    }

    @Override
    public NDArray sample(NDManager target, long numSamples) {
        return target.randomNormal(Checks.sampleShape(numSamples, batchShape(), eventShape()), DataType.FLOAT32);
    }

    /** {@inheritDoc} The identity: returns a copy of the noise in the noise's manager. */
    @Override
    public NDArray rsample(NDArray standardNoise) {
        Checks.noiseShape("StandardNormal", standardNoise, batchShape(), eventShape());
        return standardNoise.duplicate();
    }

    /** {@inheritDoc} {@code (d/2)(1 + log 2π)} as a float32 scalar. */
    @Override
    public NDArray entropy() {
        return manager.create((float) (dimension * SpecialFunctions.STANDARD_NORMAL_ENTROPY));
    }

    /** {@inheritDoc} A new float32 zero vector of size d. */
    @Override
    public NDArray mean() {
        return manager.zeros(eventShape(), DataType.FLOAT32);
    }

    @Override
    public Shape batchShape() {
        return new Shape();
    }

    @Override
    public Shape eventShape() {
        return new Shape(dimension);
    }

    /**
     * The manager given to the constructor.
     *
     * @return the manager for mean and entropy
     */
    @Override
    public NDManager manager() {
        return manager;
    }

    @Override
    public String toString() {
        return "StandardNormal(dimension=" + dimension + ")";
    }
}
