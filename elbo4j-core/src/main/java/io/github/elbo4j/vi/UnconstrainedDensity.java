package io.github.elbo4j.vi;

/**
 * What {@link GaussianVi} needs from a model: for a batch of points z of the unconstrained space,
 * the log density the fit maximises and its gradient, in plain doubles.
 *
 * <pre>
 *   f(z) = log p(data, T(z)) + log |det J_T(z)|,   ∇_z f(z)
 * </pre>
 *
 * <p>T maps z to the constrained parameters block by block ({@link Constraint}), so an
 * implementation owns the constraint transforms and their Jacobians. Each point is independent: the
 * gradient of row s depends only on row s. {@link Model#unconstrainedDensity()} gives every model
 * one (a DJL model gets a batched autograd adapter); a model with a closed-form gradient, such as
 * {@link io.github.elbo4j.vi.glm.GeneralizedLinearModel}, overrides it and never touches a tensor
 * engine, which is what makes a fitting step cost microseconds rather than milliseconds.
 */
public interface UnconstrainedDensity extends AutoCloseable {

    /**
     * Evaluates f, and optionally ∇f, at {@code count} points.
     *
     * @param z the points, row-major {@code [count][D]}
     * @param count the number of points
     * @param records null for the full data; for a {@link SubsampledModel}, the minibatch of record
     *     indices (with repetitions) whose likelihood, scaled by n/m, replaces the full-data
     *     likelihood: the unbiased estimate {@code log p(θ) + (n/m) Σ_{i ∈ records} log p(y_i | θ)}
     * @param logDensity receives f at each point, {@code [count]}
     * @param gradient receives ∇f at each point, row-major {@code [count][D]}; null for values only
     * @throws IllegalArgumentException if the model is malformed (e.g. a log joint of the wrong shape)
     */
    void evaluate(double[] z, int count, int[] records, double[] logDensity, double[] gradient);

    /**
     * f at each of the given points, with the full data and no gradient.
     *
     * @param points {@code [count][D]}
     * @return {@code [count]}
     */
    default double[] logDensities(double[][] points) {
        int d = points.length == 0 ? 0 : points[0].length;
        double[] flat = new double[points.length * d];
        for (int s = 0; s < points.length; s++) {
            System.arraycopy(points[s], 0, flat, s * d, d);
        }
        double[] result = new double[points.length];
        evaluate(flat, points.length, null, result, null);
        return result;
    }

    /**
     * Whether one call with many points costs much less than one call per point: true where each
     * call has a large fixed cost (a tensor engine's dispatch, a Spark job). Fits then gather
     * points that they could evaluate one at a time into batches (the mode search climbs its runs
     * side by side); where it is false they evaluate them one after the other, with the same
     * results, since each point is independent. A wrapper delegates it.
     */
    default boolean batchesPayOff() {
        return false;
    }

    /** What computes f, for a fit's provenance, e.g. {@code PyTorch 2.7.1} or {@code Java}. */
    default String engine() {
        return "Java";
    }

    /** Releases native memory, if any. */
    @Override
    default void close() {}
}
