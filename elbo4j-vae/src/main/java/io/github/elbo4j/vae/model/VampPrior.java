package io.github.elbo4j.vae.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.github.elbo4j.distributions.DiagonalNormal;
import io.github.elbo4j.distributions.Distribution;
import io.github.elbo4j.math.LogSumExp;
import io.github.elbo4j.math.SpecialFunctions;

/**
 * The VampPrior density p(z) = (1/N) Σ_n N(z; μ(u_n), diag σ²(u_n)) (Tomczak &amp; Welling 2018),
 * a uniform mixture of the encoder's posteriors at the pseudo-inputs u_n, evaluated with a stable
 * log-mean-exp over the components. The components are differentiable in the encoder's weights and
 * in the pseudo-inputs.
 */
public final class VampPrior implements Distribution {

    private final DiagonalNormal components;

    /** The mixture of {@code components}: batch shape [N], event shape [D]. */
    public VampPrior(DiagonalNormal components) {
        if (components.batchShape().dimension() != 1) {
            throw new IllegalArgumentException(
                    "VampPrior components need batch shape [N], got " + components.batchShape());
        }
        this.components = components;
    }

    /** The N components q(z|u_n). */
    public DiagonalNormal components() {
        return components;
    }

    /**
     * log p(z) = log (1/N) Σ_n N(z; μ_n, σ_n²) for z of shape [..., D]; result [...]. Each
     * component's quadratic form is expanded into matrix products,
     * Σ_d (z_d − μ_nd)²/σ²_nd = (z ⊙ z)·(1/σ²_n) − 2 z·(μ_n/σ²_n) + Σ_d μ²_nd/σ²_nd, so memory grows
     * with rows × N rather than rows × N × D.
     */
    @Override
    public NDArray logProb(NDArray value) {
        Shape shape = value.getShape();
        long d = components.dimension();
        if (shape.get(shape.dimension() - 1) != d) {
            throw new IllegalArgumentException(
                    "VampPrior.logProb needs values of shape [..., " + d + "], got " + shape);
        }
        NDArray z = value.reshape(-1, d); // [R, D]
        NDArray precision = components.logVariance().neg().exp(); // [N, D]
        NDArray loc = components.loc();
        NDArray scaledLoc = loc.mul(precision); // μ/σ²
        NDArray quadratic = z.square()
                .matMul(precision.transpose()) // [R, N]
                .sub(z.matMul(scaledLoc.transpose()).mul(SpecialFunctions.scalar(z, 2.0)))
                .add(loc.mul(scaledLoc).sum(new int[] {1}));
        NDArray normalizer = components
                .logVariance()
                .sum(new int[] {1}) // Σ_d log σ²_nd + D log 2π
                .add(SpecialFunctions.scalar(z, d * SpecialFunctions.LOG_2PI));
        NDArray perComponent = quadratic.add(normalizer).mul(SpecialFunctions.scalar(z, -0.5));
        Shape outer = shape.slice(0, shape.dimension() - 1);
        return LogSumExp.logMeanExp(perComponent, 1).reshape(outer);
    }

    /** Draws with the engine's generator: a uniform component, then its Gaussian. */
    @Override
    public NDArray sample(NDManager manager, long numSamples) {
        long n = components.batchShape().get(0);
        NDArray which = manager.randomInteger(0, n, new Shape(numSamples), ai.djl.ndarray.types.DataType.INT64);
        NDArray loc = components.loc().get(which);
        NDArray scale = components.scale().get(which);
        return loc.add(scale.mul(manager.randomNormal(loc.getShape())));
    }

    /**
     * Not available: a Gaussian mixture's entropy has no closed form; estimate −E[log p(z)] with
     * samples instead.
     */
    @Override
    public NDArray entropy() {
        throw new UnsupportedOperationException(
                "a VampPrior's entropy has no closed form; estimate -E[log p(z)] from samples");
    }

    /** The mixture mean (1/N) Σ_n μ_n. */
    @Override
    public NDArray mean() {
        return components.loc().mean(new int[] {0});
    }

    @Override
    public Shape batchShape() {
        return new Shape();
    }

    @Override
    public Shape eventShape() {
        return new Shape(components.dimension());
    }

    @Override
    public NDManager manager() {
        return components.manager();
    }
}
