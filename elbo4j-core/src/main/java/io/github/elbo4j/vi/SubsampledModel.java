package io.github.elbo4j.vi;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;

/**
 * A model whose likelihood is a sum over {@code n} independent records, so that a fit may evaluate
 * it on a random minibatch of {@code m} records and scale it by {@code n/m}, an unbiased estimate
 * of the full-data log joint (Hoffman et al., "Stochastic Variational Inference", JMLR 14, 2013).
 */
public interface SubsampledModel extends DjlModel {

    /** The number of records n. */
    int dataSize();

    /**
     * The log prior density of each particle.
     *
     * @param values the parameters
     * @return shape {@code [S]}
     */
    NDArray logPrior(ParameterValues values);

    /**
     * The log likelihood of the given records, summed over them.
     *
     * @param values the parameters
     * @param records the record indices, int64 of shape {@code [m]}
     * @return shape {@code [S]}
     */
    NDArray logLikelihood(ParameterValues values, NDArray records);

    /** The full-data log joint: the prior plus the likelihood of every record. */
    @Override
    default NDArray logJoint(ParameterValues values) {
        NDArray prior = logPrior(values);
        NDArray all = prior.getManager().arange(0, dataSize()).toType(DataType.INT64, false);
        return prior.add(logLikelihood(values, all));
    }
}
