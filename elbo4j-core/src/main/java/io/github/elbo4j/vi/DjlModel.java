package io.github.elbo4j.vi;

import ai.djl.ndarray.NDArray;
import java.util.List;

/**
 * A model whose log joint density {@code log p(data, θ)} is written with DJL tensors, on the
 * constrained scale, for a batch of particles at once: for users who want tensor operations or a
 * GPU. Build one with {@link Model#builder()}.
 *
 * <p>The constraint transforms and their log-Jacobians are applied outside the model, by the same
 * Java code as for a {@link io.github.elbo4j.vi.model.JavaModel} ({@link Constraint}); the density
 * hands the constrained values to the engine and brings the engine's gradient back through the
 * transforms.
 */
public interface DjlModel extends Model {

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
     * Evaluates {@link #logJoint} with DJL and differentiates it by autograd, one batched pass per
     * call; override it with a closed-form gradient in plain doubles when one is available, which
     * removes the tensor engine from the fit altogether.
     *
     * @return a new density; the caller closes it
     */
    @Override
    default UnconstrainedDensity unconstrainedDensity() {
        return new DjlDensity(this);
    }
}
