package io.github.elbo4j.vi.glm;

import ai.djl.ndarray.NDArray;
import io.github.elbo4j.vi.GaussianExpectation;
import io.github.elbo4j.vi.ParameterValues;
import io.github.elbo4j.vi.SubsampledModel;
import java.util.Optional;
import java.util.function.Function;

/**
 * A regression that {@link GlmPreconditioner#fit} can fit over preconditioned coordinates, wherever
 * its likelihood is computed: {@link GeneralizedLinearModel} in memory, or the Spark module's
 * distributed model. Besides the {@link SubsampledModel} methods it gives its tensor log prior and
 * log likelihood with the parameters read through a name → values function, so that the
 * preconditioned model can map u to θ first.
 */
public interface RegressionModel extends SubsampledModel {

    /**
     * The log prior of each particle.
     *
     * @param parameters each block's values {@code [S, 1]} by name
     * @return {@code [S]}
     */
    NDArray logPrior(Function<String, NDArray> parameters);

    /**
     * The log likelihood of each particle.
     *
     * @param parameters each block's values {@code [S, 1]} by name
     * @param values the values the parameters were computed from (for their manager and particle count)
     * @param records record indices (with repetitions), or null for all records
     * @return {@code [S]}
     */
    NDArray logLikelihood(Function<String, NDArray> parameters, ParameterValues values, NDArray records);

    /**
     * The exact expected log joint for a guide over the preconditioner's coordinates, where the
     * model has one (see {@link GaussianExpectation}); empty by default.
     *
     * @param preconditioner the coordinates q lives in
     * @return the expectation, or empty
     */
    default Optional<GaussianExpectation> gaussianExpectation(GlmPreconditioner preconditioner) {
        return Optional.empty();
    }
}
