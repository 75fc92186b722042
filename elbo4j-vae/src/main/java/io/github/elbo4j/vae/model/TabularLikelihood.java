package io.github.elbo4j.vae.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import io.github.elbo4j.distributions.Bernoulli;
import io.github.elbo4j.distributions.DiagonalNormal;
import io.github.elbo4j.distributions.Distribution;
import io.github.elbo4j.distributions.OneHotCategorical;
import io.github.elbo4j.math.ArrayScope;
import io.github.elbo4j.math.SpecialFunctions;
import java.util.ArrayList;
import java.util.List;

/**
 * p(x|z) of a mixed-type record laid out by a {@link TabularLayout}: independent column groups whose
 * log-probabilities add up,
 *
 * <pre>
 *   log p(x|z) = Σ_{numeric j} log N(x_j; μ_j(z), σ_j²)
 *              + Σ_{binary j}  [x_j l_j − softplus(l_j)]
 *              + Σ_{groups g}  Σ_{c ∈ g} x_c log_softmax(l_g)_c
 * </pre>
 *
 * where the decoder's output row holds μ for the numeric columns, then the Bernoulli logits, then the
 * logits of each one-hot group, and σ_j = exp(log σ_j) are learned weights (one per numeric column).
 * The event is the last axis; results are attached to the decoder output's manager.
 */
public final class TabularLikelihood implements Distribution {

    private final NDArray out;
    private final NDArray logScale;
    private final TabularLayout layout;
    private final Shape batchShape;

    /**
     * @param out decoder output, shape [..., features]
     * @param logScale log σ of the numeric columns, shape [numeric] (ignored when there are none; may
     *     be null then)
     * @param layout the column groups
     */
    public TabularLikelihood(NDArray out, NDArray logScale, TabularLayout layout) {
        Shape s = out.getShape();
        if (s.dimension() < 1 || s.getLastDimension() != layout.features()) {
            throw new IllegalArgumentException("decoder output " + s + " does not hold the " + layout.features()
                    + " features of the layout " + layout);
        }
        this.out = out;
        this.logScale = logScale;
        this.layout = layout;
        this.batchShape = s.slice(0, s.dimension() - 1);
    }

    /** The column groups. */
    public TabularLayout layout() {
        return layout;
    }

    /** The per-group distributions over their slices of the decoder output, in feature order. */
    private List<Part> parts(NDArray params) {
        List<Part> parts = new ArrayList<>();
        int numeric = layout.numeric();
        if (numeric > 0) {
            NDArray loc = slice(params, 0, numeric);
            parts.add(new Part(0, numeric, DiagonalNormal.fromLogScale(loc, logScale.broadcast(loc.getShape()))));
        }
        if (layout.binary() > 0) {
            parts.add(new Part(
                    numeric,
                    numeric + layout.binary(),
                    new Bernoulli(slice(params, numeric, numeric + layout.binary()))));
        }
        int from = layout.categoricalOffset();
        for (int k : layout.categories()) {
            parts.add(new Part(from, from + k, new OneHotCategorical(slice(params, from, from + k))));
            from += k;
        }
        return parts;
    }

    private record Part(int from, int to, Distribution distribution) {}

    private static NDArray slice(NDArray a, int from, int to) {
        return a.get(new NDIndex("..., {}:{}", from, to));
    }

    /** {@inheritDoc} The sum of the column groups' log-probabilities. */
    @Override
    public NDArray logProb(NDArray value) {
        if (value.getShape().getLastDimension() != layout.features()) {
            throw new IllegalArgumentException("records of " + value.getShape().getLastDimension()
                    + " features, but the tabular likelihood has " + layout.features());
        }
        try (ArrayScope scope = ArrayScope.open(manager(), out, value)) {
            NDArray total = null;
            for (Part p : parts(out)) {
                NDArray term = p.distribution().logProb(slice(value, p.from(), p.to()));
                total = total == null ? term : total.add(term);
            }
            return scope.ret(total);
        }
    }

    /** {@inheritDoc} Each group's draws, concatenated in feature order. */
    @Override
    public NDArray sample(NDManager manager, long numSamples) {
        try (ArrayScope scope = ArrayScope.open(manager, out)) {
            NDList draws = new NDList();
            for (Part p : parts(out)) {
                draws.add(p.distribution().sample(scope.manager(), numSamples));
            }
            return scope.ret(NDArrays.concat(draws, -1));
        }
    }

    /** {@inheritDoc} The sum of the groups' entropies. */
    @Override
    public NDArray entropy() {
        try (ArrayScope scope = ArrayScope.open(manager(), out)) {
            NDArray total = null;
            for (Part p : parts(out)) {
                NDArray h = p.distribution().entropy();
                total = total == null ? h : total.add(h);
            }
            return scope.ret(total);
        }
    }

    /**
     * {@inheritDoc} The numeric means, the binary probabilities σ(l) and each group's class
     * probabilities softmax(l_g), in feature order (a new array).
     */
    @Override
    public NDArray mean() {
        try (ArrayScope scope = ArrayScope.open(manager(), out)) {
            NDList means = new NDList();
            for (Part p : parts(out)) {
                means.add(
                        p.distribution() instanceof DiagonalNormal
                                ? slice(out, p.from(), p.to())
                                : p.distribution().mean());
            }
            return scope.ret(
                    means.size() == 1
                            ? means.get(0).add(SpecialFunctions.scalar(out, 0.0))
                            : NDArrays.concat(means, -1));
        }
    }

    @Override
    public Shape batchShape() {
        return batchShape;
    }

    @Override
    public Shape eventShape() {
        return new Shape(layout.features());
    }

    @Override
    public NDManager manager() {
        return out.getManager();
    }
}
