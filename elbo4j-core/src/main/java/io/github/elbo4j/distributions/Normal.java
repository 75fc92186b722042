package io.github.elbo4j.distributions;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.github.elbo4j.math.ArrayScope;
import io.github.elbo4j.math.Broadcasting;
import io.github.elbo4j.math.SpecialFunctions;
import java.util.Objects;

/**
 * The univariate normal distribution N(μ, σ²), elementwise over a batch of any shape (empty event
 * shape; {@code logProb} does not sum).
 *
 * <pre>
 *   log p(x) = −½ ((x − μ)/σ)² − log σ − ½ log 2π
 *   H        = ½ + ½ log 2π + log σ
 *   rsample  : x = μ + σ ε,  ε ~ N(0, 1)
 * </pre>
 *
 * <p>The batch shape is the broadcast of the shapes of {@code loc} and {@code scale}. Results are
 * attached to {@code loc}'s manager. Reference: Bishop, <i>Pattern Recognition and Machine
 * Learning</i>, 2006, eq. (1.46) and (1.110).
 */
public final class Normal implements ReparameterizedDistribution {

    private final NDArray loc;
    private final NDArray scale;
    private final Shape batchShape;

    /**
     * Creates N(loc, scale²).
     *
     * @param loc the mean μ
     * @param scale the standard deviation σ &gt; 0 (not validated, to avoid a device sync)
     * @throws IllegalArgumentException if the shapes do not broadcast
     */
    public Normal(NDArray loc, NDArray scale) {
        this.loc = Objects.requireNonNull(loc, "loc");
        this.scale = Objects.requireNonNull(scale, "scale");
        this.batchShape = Checks.broadcast("Normal", loc.getShape(), scale.getShape());
    }

    /**
     * The mean parameter.
     *
     * @return μ as given to the constructor
     */
    public NDArray loc() {
        return loc;
    }

    /**
     * The standard-deviation parameter.
     *
     * @return σ as given to the constructor
     */
    public NDArray scale() {
        return scale;
    }

    /**
     * The variance σ².
     *
     * @return a new array of σ's shape
     */
    public NDArray variance() {
        try (ArrayScope scope = ArrayScope.open(manager(), scale)) {
            return scope.ret(scale.square());
        }
    }

    /** {@inheritDoc} Elementwise: {@code −½((x−μ)/σ)² − log σ − ½ log 2π}. */
    @Override
    public NDArray logProb(NDArray value) {
        try (ArrayScope scope = ArrayScope.open(manager(), loc, scale, value)) {
            NDArray z = value.sub(loc).div(scale);
            NDArray result = z.square()
                    .mul(SpecialFunctions.scalar(z, -0.5))
                    .sub(scale.log())
                    .sub(SpecialFunctions.scalar(z, SpecialFunctions.HALF_LOG_2PI));
            return scope.ret(result);
        }
    }

    @Override
    public NDArray sample(NDManager manager, long numSamples) {
        Shape shape = Checks.sampleShape(numSamples, batchShape, eventShape());
        try (ArrayScope scope = ArrayScope.open(manager, loc, scale)) {
            NDArray noise = scope.manager().randomNormal(shape, loc.getDataType());
            return scope.ret(scope.adopt(rsample(noise)).stopGradient());
        }
    }

    /** {@inheritDoc} {@code μ + σ ε}. */
    @Override
    public NDArray rsample(NDArray standardNoise) {
        Checks.noiseShape("Normal", standardNoise, batchShape, eventShape());
        try (ArrayScope scope = ArrayScope.open(manager(), loc, scale, standardNoise)) {
            return scope.ret(standardNoise.mul(scale).add(loc));
        }
    }

    /** {@inheritDoc} {@code ½ + ½ log 2π + log σ}. */
    @Override
    public NDArray entropy() {
        try (ArrayScope scope = ArrayScope.open(manager(), loc, scale)) {
            NDArray h = scale.log().add(SpecialFunctions.scalar(scale, SpecialFunctions.STANDARD_NORMAL_ENTROPY));
            return scope.ret(broadcastToBatch(h));
        }
    }

    /** {@inheritDoc} Returns {@code loc} itself when it already has the batch shape. */
    @Override
    public NDArray mean() {
        if (Broadcasting.sameSizes(loc.getShape(), batchShape)) {
            return loc;
        }
        try (ArrayScope scope = ArrayScope.open(manager(), loc)) {
            return scope.ret(loc.broadcast(batchShape));
        }
    }

    @Override
    public Shape batchShape() {
        return batchShape;
    }

    @Override
    public Shape eventShape() {
        return new Shape();
    }

    /**
     * The manager of {@code loc}.
     *
     * @return the manager that receives results
     */
    @Override
    public NDManager manager() {
        return loc.getManager();
    }

    /**
     * The closed-form KL divergence between univariate normals, elementwise:
     *
     * <pre>
     *   KL(N(μ_q, σ_q²) ‖ N(μ_p, σ_p²)) = log(σ_p/σ_q) + (σ_q² + (μ_q − μ_p)²)/(2σ_p²) − ½
     * </pre>
     *
     * (Bishop 2006, exercise 1.30 / 2.13 with d = 1).
     *
     * @param p the second distribution; batch shapes broadcast
     * @return shape: the broadcast of both batch shapes, attached to this distribution's manager
     */
    public NDArray klDivergence(Normal p) {
        Shape full = Checks.broadcast("Normal", batchShape, p.batchShape);
        try (ArrayScope scope = ArrayScope.open(manager(), loc, scale, p.loc, p.scale)) {
            NDArray ratio = scale.div(p.scale);
            NDArray standardizedShift = loc.sub(p.loc).div(p.scale);
            NDArray kl = ratio.square()
                    .add(standardizedShift.square())
                    .sub(SpecialFunctions.scalar(ratio, 1.0))
                    .mul(SpecialFunctions.scalar(ratio, 0.5))
                    .sub(ratio.log());
            return scope.ret(Broadcasting.sameSizes(kl.getShape(), full) ? kl : kl.broadcast(full));
        }
    }

    private NDArray broadcastToBatch(NDArray array) {
        if (Broadcasting.sameSizes(array.getShape(), batchShape)) {
            return array;
        }
        return array.broadcast(batchShape);
    }

    @Override
    public String toString() {
        return "Normal(batchShape=" + batchShape + ")";
    }
}
