package io.github.elbo4j.vi;

import java.util.List;
import java.util.Optional;

/**
 * A probabilistic model as variational inference sees it: named parameter blocks with supports,
 * and the log density over the unconstrained space with its gradient ({@link
 * UnconstrainedDensity}), which includes the log-Jacobian of the constraint transforms.
 *
 * <p>Write a model in Java with {@link io.github.elbo4j.vi.model.JavaModel} (plain doubles,
 * microseconds per gradient), or with DJL tensors through {@link #builder()} ({@link DjlModel}):
 *
 * <pre>{@code
 * Model model = JavaModel.of(m -> {
 *     Value mu = m.real("mu");
 *     Value tau = m.positive("tau");
 *     m.add(normal(y, mu, tau));
 * });
 * }</pre>
 */
public interface Model {

    /** The parameter blocks, in a fixed order (their order in the unconstrained vector). */
    List<ParameterBlock> blocks();

    /**
     * The log density the fit maximises, over the unconstrained space, with its gradient ({@link
     * UnconstrainedDensity}).
     *
     * @return a new density; the caller closes it
     */
    UnconstrainedDensity unconstrainedDensity();

    /**
     * The constrained values of every block at one point of the unconstrained space, for draws. The
     * default maps each block alone with its {@link Constraint}, and so do the fits for their draws
     * unless a block's bounds depend on other parameters ({@link Constraint.VaryingBounds}): a model
     * with such blocks overrides this method, which the fits then call once per draw, from several
     * threads at once ({@link ParallelPoints}): it must not change state shared between calls.
     *
     * @param z the point, with the blocks' coordinates end to end
     * @return each block's values in {@link #blocks()} order, row-major for a matrix
     */
    default double[][] constrain(double[] z) {
        return new ParameterSpace(blocks()).constrainByBlock(z);
    }

    /**
     * Says which part of the model makes the log density non-finite at {@code z}, for the error a
     * fit reports when it finds no finite starting point. Empty by default (nothing to add) and when
     * the density is finite there.
     *
     * @param z the point
     * @return e.g. the term or parameter at fault, in words
     */
    default Optional<String> explainNonFinite(double[] z) {
        return Optional.empty();
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

    /** Starts a model whose log joint is written with DJL tensors ({@link DjlModel}). */
    static ModelBuilder builder() {
        return new ModelBuilder();
    }
}
