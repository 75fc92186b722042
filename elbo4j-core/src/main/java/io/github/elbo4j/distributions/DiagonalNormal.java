package io.github.elbo4j.distributions;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.github.elbo4j.math.ArrayScope;
import io.github.elbo4j.math.Broadcasting;
import io.github.elbo4j.math.SpecialFunctions;
import java.util.Objects;

/**
 * The multivariate normal N(μ, diag σ²) with independent coordinates; the event is the last axis
 * (size {@code d}).
 *
 * <pre>
 *   log p(x) = Σ_j [ −½ ((x_j − μ_j)/σ_j)² − log σ_j ] − (d/2) log 2π
 *   H        = Σ_j log σ_j + (d/2)(1 + log 2π)
 *   rsample  : z = μ + σ ⊙ ε,  ε ~ N(0, I)
 * </pre>
 *
 * <p>The scale is unconstrained: build it with {@link #fromLogScale(NDArray, NDArray)} (log σ) or
 * {@link #fromLogVariance(NDArray, NDArray)} (log σ², what a VAE encoder head outputs). The
 * parameter given is stored as is; σ, σ², log σ and log σ² are derived inside each method so that
 * the active gradient collector records them. Results are attached to {@code loc}'s manager.
 *
 * <p>Reference: Kingma and Welling, "Auto-Encoding Variational Bayes", ICLR 2014, Appendix B (the
 * Gaussian encoder and its KL divergence to N(0, I)).
 */
public final class DiagonalNormal implements ReparameterizedDistribution {

    private final NDArray loc;
    private final NDArray logScaleOrLogVariance;
    private final boolean givenAsLogVariance;
    private final Shape batchShape;
    private final Shape eventShape;

    private DiagonalNormal(NDArray loc, NDArray unconstrained, boolean givenAsLogVariance) {
        this.loc = Objects.requireNonNull(loc, "loc");
        this.logScaleOrLogVariance = Objects.requireNonNull(unconstrained, "scale parameter");
        this.givenAsLogVariance = givenAsLogVariance;
        Shape a = Checks.atLeastVector("DiagonalNormal", "loc", loc);
        Shape b =
                Checks.atLeastVector("DiagonalNormal", givenAsLogVariance ? "logVariance" : "logScale", unconstrained);
        Shape full = Checks.broadcast("DiagonalNormal", a, b);
        this.batchShape = full.slice(0, full.dimension() - 1);
        this.eventShape = new Shape(full.getLastDimension());
    }

    /**
     * N(loc, diag exp(2·logScale)).
     *
     * @param loc μ, shape {@code [...batch, d]}
     * @param logScale log σ, broadcastable to {@code loc}
     * @return the distribution
     */
    public static DiagonalNormal fromLogScale(NDArray loc, NDArray logScale) {
        return new DiagonalNormal(loc, logScale, false);
    }

    /**
     * N(loc, diag exp(logVariance)) — the parameterisation of a VAE encoder ({@code log σ²}).
     *
     * @param loc μ, shape {@code [...batch, d]}
     * @param logVariance log σ², broadcastable to {@code loc}
     * @return the distribution
     */
    public static DiagonalNormal fromLogVariance(NDArray loc, NDArray logVariance) {
        return new DiagonalNormal(loc, logVariance, true);
    }

    /**
     * The mean parameter.
     *
     * @return μ as given
     */
    public NDArray loc() {
        return loc;
    }

    /**
     * log σ.
     *
     * @return the stored parameter if built with {@link #fromLogScale}, otherwise a new array
     *     {@code ½ log σ²}
     */
    public NDArray logScale() {
        if (!givenAsLogVariance) {
            return logScaleOrLogVariance;
        }
        try (ArrayScope scope = ArrayScope.open(manager(), logScaleOrLogVariance)) {
            return scope.ret(logScaleInScope());
        }
    }

    /**
     * log σ².
     *
     * @return the stored parameter if built with {@link #fromLogVariance}, otherwise a new array
     *     {@code 2 log σ}
     */
    public NDArray logVariance() {
        if (givenAsLogVariance) {
            return logScaleOrLogVariance;
        }
        try (ArrayScope scope = ArrayScope.open(manager(), logScaleOrLogVariance)) {
            return scope.ret(logVarianceInScope());
        }
    }

    /**
     * σ.
     *
     * @return a new array {@code exp(log σ)}
     */
    public NDArray scale() {
        try (ArrayScope scope = ArrayScope.open(manager(), logScaleOrLogVariance)) {
            return scope.ret(logScaleInScope().exp());
        }
    }

    /**
     * σ².
     *
     * @return a new array {@code exp(log σ²)}
     */
    public NDArray variance() {
        try (ArrayScope scope = ArrayScope.open(manager(), logScaleOrLogVariance)) {
            return scope.ret(logVarianceInScope().exp());
        }
    }

    /**
     * {@inheritDoc}
     *
     * <p>{@code Σ_j [−½ ((x_j − μ_j)/σ_j)² − log σ_j] − (d/2) log 2π}.
     */
    @Override
    public NDArray logProb(NDArray value) {
        Checks.eventSize("DiagonalNormal", value, dimension());
        try (ArrayScope scope = ArrayScope.open(manager(), loc, logScaleOrLogVariance, value)) {
            NDArray logScale = logScaleInScope();
            NDArray z = value.sub(loc).mul(logScale.neg().exp());
            NDArray quadratic = z.square().sum(new int[] {-1}).mul(SpecialFunctions.scalar(z, -0.5));
            NDArray logDet = toFullShape(logScale).sum(new int[] {-1});
            NDArray result =
                    quadratic.sub(logDet).sub(SpecialFunctions.scalar(z, dimension() * SpecialFunctions.HALF_LOG_2PI));
            return scope.ret(result);
        }
    }

    @Override
    public NDArray sample(NDManager manager, long numSamples) {
        Shape shape = Checks.sampleShape(numSamples, batchShape, eventShape);
        try (ArrayScope scope = ArrayScope.open(manager, loc, logScaleOrLogVariance)) {
            NDArray noise = scope.manager().randomNormal(shape, loc.getDataType());
            return scope.ret(scope.adopt(rsample(noise)).stopGradient());
        }
    }

    /** {@inheritDoc} {@code z = μ + σ ⊙ ε}. */
    @Override
    public NDArray rsample(NDArray standardNoise) {
        Checks.noiseShape("DiagonalNormal", standardNoise, batchShape, eventShape);
        try (ArrayScope scope = ArrayScope.open(manager(), loc, logScaleOrLogVariance, standardNoise)) {
            return scope.ret(standardNoise.mul(logScaleInScope().exp()).add(loc));
        }
    }

    /** {@inheritDoc} {@code Σ_j log σ_j + (d/2)(1 + log 2π)}. */
    @Override
    public NDArray entropy() {
        try (ArrayScope scope = ArrayScope.open(manager(), loc, logScaleOrLogVariance)) {
            NDArray logScale = toFullShape(logScaleInScope());
            NDArray h = logScale.sum(new int[] {-1})
                    .add(SpecialFunctions.scalar(logScale, dimension() * SpecialFunctions.STANDARD_NORMAL_ENTROPY));
            return scope.ret(h);
        }
    }

    /** {@inheritDoc} Returns {@code loc} itself when it already has the full shape. */
    @Override
    public NDArray mean() {
        Shape full = broadcastParameterShape();
        if (Broadcasting.sameSizes(loc.getShape(), full)) {
            return loc;
        }
        try (ArrayScope scope = ArrayScope.open(manager(), loc)) {
            return scope.ret(loc.broadcast(full));
        }
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
     * The manager of {@code loc}.
     *
     * @return the manager that receives results
     */
    @Override
    public NDManager manager() {
        return loc.getManager();
    }

    /**
     * The event size d.
     *
     * @return the size of the last axis
     */
    public long dimension() {
        return eventShape.get(0);
    }

    /**
     * The closed-form KL divergence to the standard normal prior of the same dimension:
     *
     * <pre>
     *   KL(N(μ, diag σ²) ‖ N(0, I)) = ½ Σ_j (μ_j² + σ_j² − log σ_j² − 1)
     * </pre>
     *
     * (Kingma and Welling 2014, Appendix B). Its gradients are {@code ∂KL/∂μ = μ} and {@code
     * ∂KL/∂log σ² = ½(σ² − 1)}.
     *
     * @param prior N(0, I) with the same event size
     * @return shape {@code batchShape()}, attached to this distribution's manager
     * @throws IllegalArgumentException if the dimensions differ
     */
    public NDArray klDivergence(StandardNormal prior) {
        requireSameDimension(prior.dimension());
        try (ArrayScope scope = ArrayScope.open(manager(), loc, logScaleOrLogVariance)) {
            NDArray logVariance = logVarianceInScope();
            NDArray terms =
                    loc.square().add(logVariance.exp()).sub(logVariance).sub(SpecialFunctions.scalar(logVariance, 1.0));
            NDArray kl = toFullShape(terms).sum(new int[] {-1}).mul(SpecialFunctions.scalar(terms, 0.5));
            return scope.ret(kl);
        }
    }

    /**
     * The closed-form KL divergence between diagonal normals, with {@code l = log σ²}:
     *
     * <pre>
     *   KL(q ‖ p) = ½ Σ_j [ e^{l_q − l_p} + (μ_q − μ_p)² e^{−l_p} − 1 − (l_q − l_p) ]
     * </pre>
     *
     * (Bishop 2006, exercise 2.13, specialised to diagonal covariances).
     *
     * @param p the second distribution, same event size, batch shapes broadcasting
     * @return shape: the broadcast of both batch shapes, attached to this distribution's manager
     * @throws IllegalArgumentException if the dimensions differ
     */
    public NDArray klDivergence(DiagonalNormal p) {
        requireSameDimension(p.dimension());
        Shape full = Checks.broadcast("DiagonalNormal", broadcastParameterShape(), p.broadcastParameterShape());
        try (ArrayScope scope =
                ArrayScope.open(manager(), loc, logScaleOrLogVariance, p.loc, p.logScaleOrLogVariance)) {
            NDArray logRatio = logVarianceInScope().sub(p.logVarianceInScope());
            NDArray diff = loc.sub(p.loc);
            NDArray terms = logRatio.exp()
                    .add(diff.square().mul(p.logVarianceInScope().neg().exp()))
                    .sub(SpecialFunctions.scalar(logRatio, 1.0))
                    .sub(logRatio);
            NDArray aligned = Broadcasting.sameSizes(terms.getShape(), full) ? terms : terms.broadcast(full);
            return scope.ret(aligned.sum(new int[] {-1}).mul(SpecialFunctions.scalar(terms, 0.5)));
        }
    }

    private void requireSameDimension(long other) {
        if (other != dimension()) {
            throw new IllegalArgumentException(
                    "KL divergence needs equal event sizes, got " + dimension() + " and " + other);
        }
    }

    private NDArray toFullShape(NDArray array) {
        Shape full = broadcastParameterShape();
        return Broadcasting.sameSizes(array.getShape(), full) ? array : array.broadcast(full);
    }

    /** log σ computed in the caller's open scope (the parameter must be borrowed). */
    private NDArray logScaleInScope() {
        return givenAsLogVariance
                ? logScaleOrLogVariance.mul(SpecialFunctions.scalar(logScaleOrLogVariance, 0.5))
                : logScaleOrLogVariance;
    }

    private NDArray logVarianceInScope() {
        return givenAsLogVariance
                ? logScaleOrLogVariance
                : logScaleOrLogVariance.mul(SpecialFunctions.scalar(logScaleOrLogVariance, 2.0));
    }

    private Shape broadcastParameterShape() {
        return batchShape.addAll(eventShape);
    }

    @Override
    public String toString() {
        return "DiagonalNormal(batchShape=" + batchShape + ", eventShape=" + eventShape + ")";
    }
}
