package io.github.elbo4j.distributions;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.github.elbo4j.math.ArrayScope;
import io.github.elbo4j.math.Broadcasting;
import io.github.elbo4j.math.LinearAlgebra;
import io.github.elbo4j.math.SpecialFunctions;
import java.util.Objects;

/**
 * The multivariate normal N(μ, Σ) with full covariance given by its lower-triangular Cholesky
 * factor {@code L} (Σ = L Lᵀ); the event is the last axis of {@code loc} (size {@code d}).
 *
 * <pre>
 *   log p(x) = −½ ‖L⁻¹(x − μ)‖² − Σ_i log|L_ii| − (d/2) log 2π
 *   H        = ½ log((2πe)^d det Σ) = (d/2)(1 + log 2π) + Σ_i log|L_ii|
 *   rsample  : z = μ + L ε,  ε ~ N(0, I)
 * </pre>
 *
 * <p>{@code L⁻¹(x − μ)} is computed by forward substitution ({@link
 * LinearAlgebra#solveLowerTriangular(NDArray, NDArray)}), never by forming Σ⁻¹. Entries of {@code
 * scaleTril} above the diagonal are ignored; any non-singular lower-triangular factor is accepted
 * (a negative diagonal entry only flips the sign of a column, which leaves Σ unchanged). The
 * forward substitution costs O(d) native calls, which suits the moderate dimensions of full-rank
 * Gaussian variational inference. Results are attached to {@code loc}'s manager.
 *
 * <p>Reference: Bishop, <i>Pattern Recognition and Machine Learning</i>, 2006, §2.3 and eq. (B.41);
 * Kucukelbir et al., "Automatic Differentiation Variational Inference", JMLR 18 (2017), §2.5 (the
 * full-rank Gaussian family).
 */
public final class MultivariateNormal implements ReparameterizedDistribution {

    private final NDArray loc;
    private final NDArray scaleTril;
    private final Shape batchShape;
    private final Shape eventShape;

    /**
     * Creates N(loc, L Lᵀ).
     *
     * @param loc μ, shape {@code [...batch, d]}
     * @param scaleTril L, shape {@code [...batch, d, d]}, lower triangular with non-zero diagonal
     * @throws IllegalArgumentException if the shapes are inconsistent
     */
    public MultivariateNormal(NDArray loc, NDArray scaleTril) {
        this.loc = Objects.requireNonNull(loc, "loc");
        this.scaleTril = Objects.requireNonNull(scaleTril, "scaleTril");
        Shape ls = Checks.atLeastVector("MultivariateNormal", "loc", loc);
        Shape ts = scaleTril.getShape();
        long d = ls.getLastDimension();
        if (ts.dimension() < 2 || ts.get(ts.dimension() - 1) != d || ts.get(ts.dimension() - 2) != d) {
            throw new IllegalArgumentException("MultivariateNormal: scaleTril must have shape [..., "
                    + d
                    + ", "
                    + d
                    + "] to match loc "
                    + ls
                    + ", got "
                    + ts);
        }
        this.batchShape = Checks.broadcast(
                "MultivariateNormal", ls.slice(0, ls.dimension() - 1), ts.slice(0, ts.dimension() - 2));
        this.eventShape = new Shape(d);
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
     * The Cholesky factor as given (entries above the diagonal, if any, are ignored by every
     * method).
     *
     * @return L as given
     */
    public NDArray scaleTril() {
        return scaleTril;
    }

    /**
     * The covariance matrix Σ = L Lᵀ.
     *
     * @return a new array of shape {@code [...batch, d, d]}
     */
    public NDArray covariance() {
        try (ArrayScope scope = ArrayScope.open(manager(), scaleTril)) {
            NDArray l = LinearAlgebra.lowerTriangle(scaleTril);
            return scope.ret(l.matMul(LinearAlgebra.transposeLastTwo(l)));
        }
    }

    /**
     * The event size d.
     *
     * @return the size of the last axis
     */
    public long dimension() {
        return eventShape.get(0);
    }

    /** {@inheritDoc} {@code −½ ‖L⁻¹(x − μ)‖² − Σ log|L_ii| − (d/2) log 2π}. */
    @Override
    public NDArray logProb(NDArray value) {
        Checks.eventSize("MultivariateNormal", value, dimension());
        try (ArrayScope scope = ArrayScope.open(manager(), loc, scaleTril, value)) {
            NDArray whitened = LinearAlgebra.solveLowerTriangularVector(scaleTril, value.sub(loc));
            NDArray result = whitened.square()
                    .sum(new int[] {-1})
                    .mul(SpecialFunctions.scalar(whitened, -0.5))
                    .sub(halfLogDetInScope())
                    .sub(SpecialFunctions.scalar(whitened, dimension() * SpecialFunctions.HALF_LOG_2PI));
            return scope.ret(result);
        }
    }

    @Override
    public NDArray sample(NDManager manager, long numSamples) {
        Shape shape = Checks.sampleShape(numSamples, batchShape, eventShape);
        try (ArrayScope scope = ArrayScope.open(manager, loc, scaleTril)) {
            NDArray noise = scope.manager().randomNormal(shape, loc.getDataType());
            return scope.ret(scope.adopt(rsample(noise)).stopGradient());
        }
    }

    /** {@inheritDoc} {@code z = μ + L ε}. */
    @Override
    public NDArray rsample(NDArray standardNoise) {
        Checks.noiseShape("MultivariateNormal", standardNoise, batchShape, eventShape);
        try (ArrayScope scope = ArrayScope.open(manager(), loc, scaleTril, standardNoise)) {
            NDArray l = LinearAlgebra.lowerTriangle(scaleTril);
            // (L ε)_i = Σ_j L_ij ε_j as a broadcast product, so any leading sample axes work.
            NDArray transformed = l.mul(standardNoise.expandDims(-2)).sum(new int[] {-1});
            return scope.ret(transformed.add(loc));
        }
    }

    /** {@inheritDoc} {@code (d/2)(1 + log 2π) + Σ log|L_ii|}. */
    @Override
    public NDArray entropy() {
        try (ArrayScope scope = ArrayScope.open(manager(), loc, scaleTril)) {
            NDArray h = halfLogDetInScope()
                    .add(SpecialFunctions.scalar(scaleTril, dimension() * SpecialFunctions.STANDARD_NORMAL_ENTROPY));
            return scope.ret(toBatchShape(h));
        }
    }

    /** {@inheritDoc} Returns {@code loc} itself when it already has the full shape. */
    @Override
    public NDArray mean() {
        Shape full = batchShape.addAll(eventShape);
        if (Broadcasting.sameSizes(loc.getShape(), full)) {
            return loc;
        }
        try (ArrayScope scope = ArrayScope.open(manager(), loc)) {
            return scope.ret(loc.broadcast(full));
        }
    }

    /**
     * The closed-form KL divergence between multivariate normals:
     *
     * <pre>
     *   KL(q ‖ p) = ½ [ ‖L_p⁻¹ L_q‖_F² + ‖L_p⁻¹(μ_p − μ_q)‖² − d ] + Σ log|L_p,ii| − Σ log|L_q,ii|
     * </pre>
     *
     * i.e. ½[tr(Σ_p⁻¹Σ_q) + (μ_p − μ_q)ᵀΣ_p⁻¹(μ_p − μ_q) − d + log(det Σ_p / det Σ_q)] (Bishop
     * 2006, exercise 2.13 / eq. (B.52)), evaluated with triangular solves.
     *
     * @param p the second distribution, same event size, batch shapes broadcasting
     * @return shape: the broadcast of both batch shapes, attached to this distribution's manager
     * @throws IllegalArgumentException if the event sizes differ
     */
    public NDArray klDivergence(MultivariateNormal p) {
        if (p.dimension() != dimension()) {
            throw new IllegalArgumentException(
                    "KL divergence needs equal event sizes, got " + dimension() + " and " + p.dimension());
        }
        Shape full = Checks.broadcast("MultivariateNormal", batchShape, p.batchShape);
        try (ArrayScope scope = ArrayScope.open(manager(), loc, scaleTril, p.loc, p.scaleTril)) {
            NDArray lq = LinearAlgebra.lowerTriangle(scaleTril);
            NDArray trace = LinearAlgebra.solveLowerTriangular(p.scaleTril, lq)
                    .square()
                    .sum(new int[] {-2})
                    .sum(new int[] {-1});
            NDArray mahalanobis = LinearAlgebra.solveLowerTriangularVector(p.scaleTril, p.loc.sub(loc))
                    .square()
                    .sum(new int[] {-1});
            NDArray kl = trace.add(mahalanobis)
                    .sub(SpecialFunctions.scalar(trace, dimension()))
                    .mul(SpecialFunctions.scalar(trace, 0.5))
                    .add(p.halfLogDetInScope())
                    .sub(halfLogDetInScope());
            return scope.ret(Broadcasting.sameSizes(kl.getShape(), full) ? kl : kl.broadcast(full));
        }
    }

    /**
     * The closed-form KL divergence to N(0, I):
     *
     * <pre>
     *   KL(q ‖ N(0, I)) = ½ [ ‖L‖_F² + ‖μ‖² − d ] − Σ log|L_ii|
     * </pre>
     *
     * @param prior N(0, I) of the same dimension
     * @return shape {@code batchShape()}, attached to this distribution's manager
     * @throws IllegalArgumentException if the dimensions differ
     */
    public NDArray klDivergence(StandardNormal prior) {
        if (prior.dimension() != dimension()) {
            throw new IllegalArgumentException(
                    "KL divergence needs equal event sizes, got " + dimension() + " and " + prior.dimension());
        }
        try (ArrayScope scope = ArrayScope.open(manager(), loc, scaleTril)) {
            NDArray frobenius = LinearAlgebra.lowerTriangle(scaleTril)
                    .square()
                    .sum(new int[] {-2})
                    .sum(new int[] {-1});
            NDArray location = loc.square().sum(new int[] {-1});
            NDArray kl = frobenius
                    .add(location)
                    .sub(SpecialFunctions.scalar(frobenius, dimension()))
                    .mul(SpecialFunctions.scalar(frobenius, 0.5))
                    .sub(halfLogDetInScope());
            return scope.ret(toBatchShape(kl));
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

    /** Σ log|L_ii| = ½ log det Σ, in the caller's open scope. */
    private NDArray halfLogDetInScope() {
        return LinearAlgebra.diagonal(scaleTril).abs().log().sum(new int[] {-1});
    }

    private NDArray toBatchShape(NDArray array) {
        return Broadcasting.sameSizes(array.getShape(), batchShape) ? array : array.broadcast(batchShape);
    }

    @Override
    public String toString() {
        return "MultivariateNormal(batchShape=" + batchShape + ", eventShape=" + eventShape + ")";
    }
}
