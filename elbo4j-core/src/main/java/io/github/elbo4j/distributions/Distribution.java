package io.github.elbo4j.distributions;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

/**
 * A batch of probability distributions over tensors.
 *
 * <p>For a value {@code x} of shape {@code [...sample, ...batch, ...event]} (leading axes
 * broadcast), {@link #logProb(NDArray)} returns {@code log p(x)} of shape {@code [...sample,
 * ...batch]}, summed over the event axes. {@link #sample(NDManager, long)} draws from the engine
 * RNG (seed it with {@code Engine.getInstance().setRandomSeed(int)}) and carries no gradient.
 *
 * <p>Entropy, in nats: {@code H[p] = −E_p[log p(x)]}.
 */
public interface Distribution {

    /**
     * The log-density (or log-mass) of {@code value}, summed over the event axes.
     *
     * @param value shape {@code [...sample, ...batch, ...event]}, broadcasting on leading axes
     * @return {@code log p(value)}, shape {@code [...sample, ...batch]}
     */
    NDArray logProb(NDArray value);

    /**
     * Draws independent samples without gradient.
     *
     * @param manager the manager that receives the samples
     * @param numSamples the number of draws, at least 1
     * @return shape {@code [numSamples, ...batch, ...event]}, attached to {@code manager}
     */
    NDArray sample(NDManager manager, long numSamples);

    /**
     * The differential (or Shannon) entropy {@code H = −E[log p(x)]} in nats.
     *
     * @return shape {@code batchShape()}
     */
    NDArray entropy();

    /**
     * The mean {@code E[x]}. May return a parameter array itself (as PyTorch does); do not close
     * it.
     *
     * @return shape {@code [...batch, ...event]}
     */
    NDArray mean();

    /**
     * The shape of the batch of independent distributions.
     *
     * @return the batch shape
     */
    Shape batchShape();

    /**
     * The shape of one draw; empty for univariate families.
     *
     * @return the event shape
     */
    Shape eventShape();

    /**
     * The manager that owns this distribution's parameters and receives the results of its methods.
     * The default implementation returns the manager of {@link #mean()}.
     *
     * @return the parameters' manager
     */
    default NDManager manager() {
        return mean().getManager();
    }
}
