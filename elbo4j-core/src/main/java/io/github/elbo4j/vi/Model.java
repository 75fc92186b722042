package io.github.elbo4j.vi;

import ai.djl.ndarray.NDArray;

import java.util.List;
import java.util.Optional;

/**
 * A probabilistic model as Gaussian variational inference sees it: named parameter blocks with
 * supports and the unnormalised log joint density {@code log p(data, θ)} on the constrained scale.
 *
 * <p>The log-Jacobian of the constraint transforms is added by the fitting loop, never by the
 * model. Write small models with {@link #builder()}:
 *
 * <pre>{@code
 * Model model = Model.builder()
 *         .real("mu")
 *         .positive("tau")
 *         .data(DataArray.vector("y", 1.2, 0.4, 2.2))
 *         .logJoint(p -> ...)
 *         .build();
 * }</pre>
 */
public interface Model {

    /** The parameter blocks, in a fixed order (their order in the unconstrained vector). */
    List<ParameterBlock> blocks();

    /** Observed data the log density reads through {@link ParameterValues#data(String)}. */
    default List<DataArray> data() {
        return List.of();
    }

    /**
     * The log joint density {@code log p(data, θ)} of each particle.
     *
     * @param values the particles' parameters on the constrained scale, and the data
     * @return shape {@code [S]}
     */
    NDArray logJoint(ParameterValues values);

    /**
     * The log density the fit maximises, over the unconstrained space, with its gradient ({@link
     * UnconstrainedDensity}). The default evaluates {@link #logJoint} with DJL and differentiates it
     * by autograd, one batched pass per call; override it with a closed-form gradient in plain
     * doubles when one is available, which removes the tensor engine from the fit altogether.
     *
     * @return a new density; the caller closes it
     */
    default UnconstrainedDensity unconstrainedDensity() {
        return new DjlDensity(this);
    }

    /**
     * The expected log density under a Gaussian guide, computed without sampling, if this model can
     * offer it; {@link GaussianVi} then maximises the exact ELBO with L-BFGS (see {@link
     * GaussianExpectation}). Empty by default: the fit estimates the ELBO stochastically.
     *
     * @return the expectation of {@link #unconstrainedDensity()}'s f, or empty
     */
    default Optional<GaussianExpectation> gaussianExpectation() {
        return Optional.empty();
    }

    /** Starts a model written as a lambda. */
    static ModelBuilder builder() {
        return new ModelBuilder();
    }
}
