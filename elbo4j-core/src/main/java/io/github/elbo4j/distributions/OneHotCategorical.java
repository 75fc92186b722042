package io.github.elbo4j.distributions;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.github.elbo4j.math.ArrayScope;
import java.util.Objects;

/**
 * A categorical distribution over {@code k} classes whose values are one-hot vectors, parameterised
 * by unnormalised logits {@code l}; the event is the last axis (PyTorch's {@code OneHotCategorical}).
 *
 * <pre>
 *   p_j      = softmax(l)_j = e^{l_j} / Σ_i e^{l_i}
 *   log p(x) = Σ_j x_j log_softmax(l)_j,   log_softmax(l)_j = l_j − max(l) − log Σ_i e^{l_i − max(l)}
 *   H        = −Σ_j p_j log p_j
 * </pre>
 *
 * <p>The log-probability is evaluated with the engine's fused log-softmax, which subtracts the
 * largest logit before exponentiating: finite for logits of any magnitude. A value that is not
 * one-hot (e.g. a vector of class frequencies) gives the cross-entropy Σ_j x_j log p_j. Results are
 * attached to the logits' manager. Reference: Bishop, <i>Pattern Recognition and Machine
 * Learning</i>, 2006, §2.2 and §4.3.4.
 */
public final class OneHotCategorical implements Distribution {

    private final NDArray logits;
    private final Shape batchShape;
    private final Shape eventShape;

    /**
     * Creates OneHotCategorical(softmax(logits)).
     *
     * @param logits shape {@code [...batch, k]}
     * @throws IllegalArgumentException if {@code logits} is a scalar
     */
    public OneHotCategorical(NDArray logits) {
        this.logits = Objects.requireNonNull(logits, "logits");
        Shape s = Checks.atLeastVector("OneHotCategorical", "logits", logits);
        this.batchShape = s.slice(0, s.dimension() - 1);
        this.eventShape = new Shape(s.getLastDimension());
    }

    /**
     * The logits.
     *
     * @return {@code l} as given
     */
    public NDArray logits() {
        return logits;
    }

    /**
     * The class probabilities {@code softmax(l)}.
     *
     * @return a new array of the logits' shape
     */
    public NDArray probs() {
        try (ArrayScope scope = ArrayScope.open(manager(), logits)) {
            return scope.ret(logits.softmax(-1));
        }
    }

    /** {@inheritDoc} {@code Σ_j x_j log_softmax(l)_j}. */
    @Override
    public NDArray logProb(NDArray value) {
        Checks.eventSize("OneHotCategorical", value, eventShape.get(0));
        try (ArrayScope scope = ArrayScope.open(manager(), logits, value)) {
            return scope.ret(value.mul(logits.logSoftmax(-1)).sum(new int[] {-1}));
        }
    }

    /** {@inheritDoc} One-hot rows in the logits' data type, by inverse-CDF sampling. */
    @Override
    public NDArray sample(NDManager manager, long numSamples) {
        Shape shape = Checks.sampleShape(numSamples, batchShape, eventShape);
        try (ArrayScope scope = ArrayScope.open(manager, logits)) {
            NDArray cumulative = logits.softmax(-1).cumSum(-1).broadcast(shape);
            NDArray uniform = scope.manager()
                    .randomUniform(0f, 1f, shape.slice(0, shape.dimension() - 1).add(1), logits.getDataType());
            // The class is the number of cumulative probabilities ≤ u; rounding can push the last
            // one below 1, so the count is capped at k − 1.
            NDArray index = cumulative
                    .lte(uniform)
                    .toType(DataType.INT64, false)
                    .sum(new int[] {-1})
                    .minimum(eventShape.get(0) - 1);
            NDArray classes = scope.manager().arange(0, (int) eventShape.get(0), 1, DataType.INT64);
            NDArray draws = index.expandDims(-1).eq(classes).toType(logits.getDataType(), false);
            return scope.ret(draws);
        }
    }

    /** {@inheritDoc} {@code −Σ_j p_j log_softmax(l)_j}. */
    @Override
    public NDArray entropy() {
        try (ArrayScope scope = ArrayScope.open(manager(), logits)) {
            NDArray logP = logits.logSoftmax(-1);
            return scope.ret(logP.exp().mul(logP).sum(new int[] {-1}).neg());
        }
    }

    /** {@inheritDoc} The probabilities {@code softmax(l)} (a new array). */
    @Override
    public NDArray mean() {
        return probs();
    }

    @Override
    public Shape batchShape() {
        return batchShape;
    }

    @Override
    public Shape eventShape() {
        return eventShape;
    }

    /**
     * The manager of the logits.
     *
     * @return the manager that receives results
     */
    @Override
    public NDManager manager() {
        return logits.getManager();
    }

    @Override
    public String toString() {
        return "OneHotCategorical(batchShape=" + batchShape + ", eventShape=" + eventShape + ")";
    }
}
