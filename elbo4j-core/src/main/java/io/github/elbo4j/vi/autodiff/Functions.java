package io.github.elbo4j.vi.autodiff;

import org.hipparchus.special.Beta;
import org.hipparchus.special.Gamma;

/**
 * Functions for models beyond {@link Value}'s methods, each with a hand-written adjoint: softmax,
 * special functions, vector assembly, the marginal likelihood of a hidden Markov model, the solution
 * of an ordinary differential equation, and the dense linear algebra of multivariate normal and
 * Gaussian-process models (Cholesky factor, triangular solve, log determinant, squared-exponential
 * covariance). Names follow Stan's functions where one exists ({@code docs/vi-densities.md} gives the
 * correspondence).
 *
 * <p>Matrices are row-major {@code [rows, cols]} values. Functions that need a symmetric matrix read
 * only its lower triangle (so its adjoint goes to the lower triangle only); a matrix that is not
 * positive definite gives NaNs or −∞ rather than an exception, so that a fit backs off the draw as
 * Stan rejects it.
 */
public final class Functions {

    private Functions() {}

    // ---------------------------------------------------------------- vectors

    /** {@code e^v / Σ e^v} of a vector, without overflow (Stan's {@code softmax}). */
    public static Value softmax(Value v) {
        double[] out = logSoftmaxValues(v.value);
        for (int i = 0; i < out.length; i++) {
            out[i] = Math.exp(out[i]);
        }
        return Value.derive(
                v.shape,
                out,
                g -> {
                    // J = diag(s) − s sᵀ, so Jᵀg = s ⊙ (g − sᵀg).
                    double inner = 0.0;
                    for (int i = 0; i < out.length; i++) {
                        inner += g[i] * out[i];
                    }
                    for (int i = 0; i < out.length; i++) {
                        v.adjoint()[i] += out[i] * (g[i] - inner);
                    }
                },
                v);
    }

    /** {@code v − log Σ e^v} of a vector, without overflow (Stan's {@code log_softmax}). */
    public static Value logSoftmax(Value v) {
        double[] out = logSoftmaxValues(v.value);
        return Value.derive(
                v.shape,
                out,
                g -> {
                    double total = 0.0;
                    for (double x : g) {
                        total += x;
                    }
                    for (int i = 0; i < out.length; i++) {
                        v.adjoint()[i] += g[i] - Math.exp(out[i]) * total;
                    }
                },
                v);
    }

    private static double[] logSoftmaxValues(double[] v) {
        double max = Double.NEGATIVE_INFINITY;
        for (double x : v) {
            max = Math.max(max, x);
        }
        double sum = 0.0;
        for (double x : v) {
            sum += Math.exp(x - max);
        }
        double logNormalizer = max + Math.log(sum);
        double[] out = new double[v.length];
        for (int i = 0; i < v.length; i++) {
            out[i] = v[i] - logNormalizer;
        }
        return out;
    }

    /**
     * {@code log(e^a + e^b)} elementwise, with broadcasting, without overflow (Stan's two-argument
     * {@code log_sum_exp}; {@link Value#logSumExp()} reduces a whole vector).
     */
    public static Value logSumExp(Value a, Value b) {
        int[] shape = Shape.broadcast("logSumExp", a, b);
        int n = Shape.size(shape);
        int sa = a.size() == 1 && n != 1 ? 0 : 1;
        int sb = b.size() == 1 && n != 1 ? 0 : 1;
        double[] out = new double[n];
        for (int i = 0; i < n; i++) {
            double x = a.value[i * sa];
            double y = b.value[i * sb];
            double max = Math.max(x, y);
            out[i] = max == Double.NEGATIVE_INFINITY ? max : max + Math.log1p(Math.exp(-Math.abs(x - y)));
        }
        return Value.derive(
                shape,
                out,
                g -> {
                    for (int i = 0; i < n; i++) {
                        if (a.adjoint() != null) {
                            a.adjoint()[i * sa] += g[i] * Math.exp(a.value[i * sa] - out[i]);
                        }
                        if (b.adjoint() != null) {
                            b.adjoint()[i * sb] += g[i] * Math.exp(b.value[i * sb] - out[i]);
                        }
                    }
                },
                a,
                b);
    }

    /** The running sums {@code (v₀, v₀ + v₁, …)} of a vector (Stan's {@code cumulative_sum}). */
    public static Value cumulativeSum(Value v) {
        double[] out = new double[v.size()];
        double total = 0.0;
        for (int i = 0; i < out.length; i++) {
            total += v.value[i];
            out[i] = total;
        }
        return Value.derive(
                v.shape,
                out,
                g -> {
                    double suffix = 0.0;
                    for (int i = out.length - 1; i >= 0; i--) {
                        suffix += g[i];
                        v.adjoint()[i] += suffix;
                    }
                },
                v);
    }

    /**
     * The states of the first-order linear recurrence {@code x_t = a_t + b_t x_{t−1}}, t = 1..n, from
     * {@code x_0}: the n + 1 values {@code x_0, …, x_n}. A time series whose state follows such a
     * recurrence (a GARCH variance, an exponentially smoothed level, an AR(1) filter) then records
     * one value on the tape, a plain loop forward and backward, where a Java loop of {@link Value}
     * operations records a few values per step: on a GARCH(1, 1) of 1,000 returns that loop was
     * most of a fit's time. With every b_t = 1 it is x_0 followed by x_0 plus {@link
     * #cumulativeSum}.
     *
     * @param initial {@code x_0}, one value
     * @param shifts {@code a_1, …, a_n}, a vector
     * @param factors {@code b_1, …, b_n}: one value for every step, or a vector of n
     * @return the vector of n + 1 states
     * @throws IllegalArgumentException if {@code initial} has more than one value, {@code shifts} is
     *     not a vector, or {@code factors} has neither one value nor n
     */
    public static Value linearRecurrence(Value initial, Value shifts, Value factors) {
        if (initial.size() != 1) {
            throw new IllegalArgumentException(
                    "linearRecurrence needs one initial value, got shape " + Shape.describe(initial.shape));
        }
        if (shifts.shape.length != 1) {
            throw new IllegalArgumentException(
                    "linearRecurrence needs a vector of shifts, got shape " + Shape.describe(shifts.shape));
        }
        int n = shifts.size();
        if (factors.size() != 1 && factors.size() != n) {
            throw new IllegalArgumentException("linearRecurrence needs one factor or one per shift (" + n
                    + "), got shape " + Shape.describe(factors.shape));
        }
        int stride = factors.size() == 1 ? 0 : 1;
        double[] a = shifts.value;
        double[] b = factors.value;
        double[] x = new double[n + 1];
        x[0] = initial.value[0];
        for (int t = 1; t <= n; t++) {
            x[t] = a[t - 1] + b[(t - 1) * stride] * x[t - 1];
        }
        return Value.derive(
                new int[] {n + 1},
                x,
                g -> {
                    // λ_t = ∂output/∂x_t through x_t and every later state: λ_{t−1} = g_{t−1} + b_t λ_t.
                    double[] shiftAdjoint = shifts.adjoint();
                    double[] factorAdjoint = factors.adjoint();
                    double lambda = g[n];
                    for (int t = n; t >= 1; t--) {
                        if (shiftAdjoint != null) {
                            shiftAdjoint[t - 1] += lambda;
                        }
                        if (factorAdjoint != null) {
                            factorAdjoint[(t - 1) * stride] += lambda * x[t - 1];
                        }
                        lambda = g[t - 1] + b[(t - 1) * stride] * lambda;
                    }
                    if (initial.adjoint() != null) {
                        initial.adjoint()[0] += lambda;
                    }
                },
                initial,
                shifts,
                factors);
    }

    /** A vector of {@code n} copies of the one-element value {@code x} (Stan's {@code rep_vector}). */
    public static Value repVector(Value x, int n) {
        if (x.size() != 1) {
            throw new IllegalArgumentException("repVector needs a single value, got shape " + Shape.describe(x.shape));
        }
        double[] out = new double[n];
        java.util.Arrays.fill(out, x.value[0]);
        return Value.derive(
                new int[] {n},
                out,
                g -> {
                    double total = 0.0;
                    for (double gi : g) {
                        total += gi;
                    }
                    x.adjoint()[0] += total;
                },
                x);
    }

    /** {@code Σ (a_i − b_i)²} of two values of equal size (Stan's {@code squared_distance}). */
    public static Value squaredDistance(Value a, Value b) {
        if (a.size() != b.size()) {
            throw new IllegalArgumentException("squaredDistance: sizes " + a.size() + " and " + b.size() + " differ");
        }
        double total = 0.0;
        for (int i = 0; i < a.size(); i++) {
            double d = a.value[i] - b.value[i];
            total += d * d;
        }
        return Value.derive(
                Shape.SCALAR,
                new double[] {total},
                g -> {
                    for (int i = 0; i < a.size(); i++) {
                        double d = 2.0 * g[0] * (a.value[i] - b.value[i]);
                        if (a.adjoint() != null) {
                            a.adjoint()[i] += d;
                        }
                        if (b.adjoint() != null) {
                            b.adjoint()[i] -= d;
                        }
                    }
                },
                a,
                b);
    }

    /**
     * Vectors of equal length as the rows of a matrix (Stan: a matrix filled row by row, or {@code
     * append_row} of row vectors), e.g. simplexes as the rows of a transition matrix.
     *
     * @param rows one or more vectors (or scalars), all of one length
     * @return the {@code [rows.length, length]} matrix
     */
    public static Value stackRows(Value... rows) {
        if (rows.length == 0) {
            throw new IllegalArgumentException("stackRows needs at least one row");
        }
        int columns = rows[0].size();
        for (int r = 0; r < rows.length; r++) {
            if (rows[r].shape.length > 1 || rows[r].size() != columns) {
                throw new IllegalArgumentException("stackRows: row " + r + " has shape " + Shape.describe(rows[r].shape)
                        + ", row 0 has " + columns + " elements; rows must be vectors of one length");
            }
        }
        Value stacked = Value.concat(rows);
        return Value.derive(
                new int[] {rows.length, columns},
                stacked.value,
                g -> {
                    double[] target = stacked.adjoint();
                    for (int i = 0; i < g.length; i++) {
                        target[i] += g[i];
                    }
                },
                stacked);
    }

    // ---------------------------------------------------------------- models of sequences

    /**
     * The log marginal likelihood of a hidden Markov model, the hidden states summed out by the
     * forward algorithm (Stan's {@code hmm_marginal}): {@code log Σ_z ρ_{z₁} ω_{z₁,1} Π_t Γ_{z_{t−1}
     * z_t} ω_{z_t,t}}. One value on the tape, with the gradient of the forward–backward algorithm, in
     * place of a loop of {@code logSumExp}s that records ten values per time step.
     *
     * @param logOmega the {@code [K, N]} log emission densities: element {@code (k, t)} is the log
     *     density of observation t under state k (fill it with the densities of {@code
     *     io.github.elbo4j.vi.density}); −∞ for a state that cannot emit it
     * @param gamma the {@code [K, K]} transition matrix, {@code Γ_jk = P(z_{t+1} = k | z_t = j)}: rows
     *     of simplexes, e.g. {@link #stackRows} of simplex parameters
     * @param rho the K initial weights: a simplex for Stan's {@code hmm_marginal}; any non-negative
     *     weights are accepted (ones reproduce a forward algorithm started from the emissions alone)
     * @return the log marginal likelihood, a scalar; NaN if a weight that is a parameter is negative
     *     or NaN, −∞ if no path of states can emit the observations
     * @throws IllegalArgumentException on shapes that do not match, or data weights that are negative
     *     or not finite, naming the argument and element
     */
    public static Value hmmMarginal(Value logOmega, Value gamma, Value rho) {
        return HiddenMarkov.marginal(logOmega, gamma, rho);
    }

    /**
     * The solution of an ordinary differential equation {@code dy/dt = f(t, y, θ)} at the given
     * times (Stan's {@code ode_rk45}), differentiable with respect to θ and the initial state: a
     * Dormand–Prince 5(4) integrator (Hipparchus's) with Stan's default tolerances (relative and
     * absolute 1e-6), on the state augmented with its forward sensitivities, so the gradient costs
     * one solve of a larger system. For non-stiff equations; a solve that needs more than 100,000
     * evaluations of f (a stiff or exploding draw) gives NaNs, so a fit backs off the draw as Stan
     * rejects it.
     *
     * @param f the right-hand side, written with {@link Value} operations; parameters reach it only
     *     through {@code theta}
     * @param y0 the state at {@code t0}, a vector of N or a scalar (data or a function of parameters)
     * @param t0 the initial time
     * @param times the output times, increasing and after {@code t0}
     * @param theta the parameters of f, a vector of P or a scalar (a function of parameters, or data)
     * @return the {@code [times.length, N]} states, row i at {@code times[i]}
     * @throws IllegalArgumentException on times out of order, shapes that do not match, or an f that
     *     returns a value of the wrong size or uses a value of the model's tape
     */
    public static Value odeRk45(OdeSystem f, Value y0, double t0, double[] times, Value theta) {
        return OdeSolver.rk45(f, y0, t0, times, theta);
    }

    // ---------------------------------------------------------------- special functions

    /** {@code log Γ(x)} elementwise (Stan's {@code lgamma}); its derivative is the digamma function. */
    public static Value lgamma(Value x) {
        double[] out = new double[x.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = Gamma.logGamma(x.value[i]);
        }
        return Value.derive(
                x.shape,
                out,
                g -> {
                    for (int i = 0; i < g.length; i++) {
                        x.adjoint()[i] += g[i] * digamma(x.value[i]);
                    }
                },
                x);
    }

    /** The digamma function {@code ψ(x) = d log Γ(x) / dx} elementwise; its derivative is the trigamma function. */
    public static Value digamma(Value x) {
        double[] out = new double[x.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = digamma(x.value[i]);
        }
        return Value.derive(
                x.shape,
                out,
                g -> {
                    for (int i = 0; i < g.length; i++) {
                        x.adjoint()[i] += g[i] * Gamma.trigamma(x.value[i]);
                    }
                },
                x);
    }

    /**
     * The digamma function of a plain double, to about 1e-15 relative (Hipparchus's {@code
     * Gamma.digamma} is off by about 3e-9, enough to spoil finite-difference checks of the gradients
     * that use it): the recurrence {@code ψ(x) = ψ(x + 1) − 1/x} up to x ≥ 10, then the asymptotic
     * series to the x⁻¹⁴ term (truncation error below 1e-17 there); reflection for negative x.
     *
     * @param x any double; NaN at the poles 0, −1, −2, …
     * @return ψ(x)
     */
    public static double digamma(double x) {
        if (Double.isNaN(x) || x == Double.NEGATIVE_INFINITY || x <= 0.0 && x == Math.floor(x)) {
            return Double.NaN;
        }
        double result = 0.0;
        if (x < 0.0) {
            // ψ(x) = ψ(1 − x) − π / tan(πx).
            result = -Math.PI / Math.tan(Math.PI * x);
            x = 1.0 - x;
        }
        while (x < 10.0) {
            result -= 1.0 / x;
            x += 1.0;
        }
        double inverseSquare = 1.0 / (x * x);
        double series = inverseSquare
                * (1.0 / 12
                        - inverseSquare
                                * (1.0 / 120
                                        - inverseSquare
                                                * (1.0 / 252
                                                        - inverseSquare
                                                                * (1.0 / 240
                                                                        - inverseSquare
                                                                                * (1.0 / 132
                                                                                        - inverseSquare
                                                                                                * (691.0 / 32760
                                                                                                        - inverseSquare
                                                                                                                / 12))))));
        return result + Math.log(x) - 0.5 / x - series;
    }

    /** {@code log B(a, b)} elementwise with broadcasting (Stan's {@code lbeta}), accurate for large arguments. */
    public static Value lbeta(Value a, Value b) {
        int[] shape = Shape.broadcast("lbeta", a, b);
        int n = Shape.size(shape);
        int sa = a.size() == 1 && n != 1 ? 0 : 1;
        int sb = b.size() == 1 && n != 1 ? 0 : 1;
        double[] out = new double[n];
        for (int i = 0; i < n; i++) {
            out[i] = Beta.logBeta(a.value[i * sa], b.value[i * sb]);
        }
        return Value.derive(
                shape,
                out,
                g -> {
                    for (int i = 0; i < n; i++) {
                        double x = a.value[i * sa];
                        double y = b.value[i * sb];
                        double digammaSum = digamma(x + y);
                        if (a.adjoint() != null) {
                            a.adjoint()[i * sa] += g[i] * (digamma(x) - digammaSum);
                        }
                        if (b.adjoint() != null) {
                            b.adjoint()[i * sb] += g[i] * (digamma(y) - digammaSum);
                        }
                    }
                },
                a,
                b);
    }

    // ---------------------------------------------------------------- matrices

    /** The square matrix with the vector {@code v} on its diagonal (Stan's {@code diag_matrix}). */
    public static Value diagMatrix(Value v) {
        int k = v.size();
        double[] out = new double[k * k];
        for (int i = 0; i < k; i++) {
            out[i * k + i] = v.value[i];
        }
        return Value.derive(
                new int[] {k, k},
                out,
                g -> {
                    for (int i = 0; i < k; i++) {
                        v.adjoint()[i] += g[i * k + i];
                    }
                },
                v);
    }

    /**
     * A square matrix with {@code d} added to its diagonal (Stan's {@code add_diag}), e.g. noise or
     * jitter on a covariance.
     *
     * @param m a {@code [K, K]} matrix
     * @param d one value for every diagonal element, or a vector of K
     */
    public static Value addDiag(Value m, Value d) {
        int k = squareSize("addDiag", m);
        if (d.size() != 1 && d.size() != k) {
            throw new IllegalArgumentException("addDiag: a " + k + "×" + k + " matrix needs a single value or " + k
                    + " values on its diagonal, got " + d.size());
        }
        int sd = d.size() == 1 ? 0 : 1;
        double[] out = m.value.clone();
        for (int i = 0; i < k; i++) {
            out[i * k + i] += d.value[i * sd];
        }
        return Value.derive(
                m.shape,
                out,
                g -> {
                    if (m.adjoint() != null) {
                        for (int i = 0; i < g.length; i++) {
                            m.adjoint()[i] += g[i];
                        }
                    }
                    if (d.adjoint() != null) {
                        for (int i = 0; i < k; i++) {
                            d.adjoint()[i * sd] += g[i * k + i];
                        }
                    }
                },
                m,
                d);
    }

    /** {@link #addDiag(Value, Value)} of a constant. */
    public static Value addDiag(Value m, double d) {
        return addDiag(m, Value.constant(d));
    }

    /**
     * The squared-exponential covariance of points {@code x}: {@code K_ij = α² exp(−|x_i − x_j|² /
     * (2ρ²))} (Stan's {@code gp_exp_quad_cov}). Add noise or jitter with {@link #addDiag} before
     * factorizing.
     *
     * @param x the points, one row per point (all of one dimension)
     * @param alpha the marginal standard deviation α, one value
     * @param rho the length scale ρ, one value
     * @return the {@code [N, N]} covariance
     */
    public static Value gpExpQuadCov(double[][] x, Value alpha, Value rho) {
        if (alpha.size() != 1 || rho.size() != 1) {
            throw new IllegalArgumentException("gpExpQuadCov: alpha and rho must be single values, got shapes "
                    + Shape.describe(alpha.shape) + " and " + Shape.describe(rho.shape));
        }
        int n = x.length;
        double[] squaredDistances = new double[n * n];
        for (int i = 0; i < n; i++) {
            if (x[i].length != x[0].length) {
                throw new IllegalArgumentException("gpExpQuadCov: point " + i + " has " + x[i].length
                        + " coordinates, point 0 has " + x[0].length);
            }
            for (int j = 0; j < i; j++) {
                double total = 0.0;
                for (int c = 0; c < x[i].length; c++) {
                    double d = x[i][c] - x[j][c];
                    total += d * d;
                }
                squaredDistances[i * n + j] = total;
                squaredDistances[j * n + i] = total;
            }
        }
        double a = alpha.value[0];
        double r = rho.value[0];
        double variance = a * a;
        double inverseTwoRhoSquared = 0.5 / (r * r);
        double[] out = new double[n * n];
        for (int i = 0; i < out.length; i++) {
            out[i] = variance * Math.exp(-squaredDistances[i] * inverseTwoRhoSquared);
        }
        return Value.derive(
                new int[] {n, n},
                out,
                g -> {
                    // ∂K_ij/∂α = 2 K_ij / α, ∂K_ij/∂ρ = K_ij d²_ij / ρ³.
                    double byAlpha = 0.0;
                    double byRho = 0.0;
                    for (int i = 0; i < out.length; i++) {
                        double weighted = g[i] * out[i];
                        byAlpha += weighted;
                        byRho += weighted * squaredDistances[i];
                    }
                    if (alpha.adjoint() != null) {
                        alpha.adjoint()[0] += 2.0 * byAlpha / a;
                    }
                    if (rho.adjoint() != null) {
                        rho.adjoint()[0] += byRho / (r * r * r);
                    }
                },
                alpha,
                rho);
    }

    /** {@link #gpExpQuadCov(double[][], Value, Value)} of points on a line. */
    public static Value gpExpQuadCov(double[] x, Value alpha, Value rho) {
        double[][] points = new double[x.length][];
        for (int i = 0; i < x.length; i++) {
            points[i] = new double[] {x[i]};
        }
        return gpExpQuadCov(points, alpha, rho);
    }

    /**
     * The lower-triangular Cholesky factor {@code L} of a symmetric positive-definite matrix {@code A
     * = L Lᵀ} (Stan's {@code cholesky_decompose}). Reads the lower triangle of {@code A}; a matrix
     * that is not positive definite gives a factor of NaNs. The adjoint is the symbolic one of
     * Murray, "Differentiation of the Cholesky decomposition" (2016), eq. 10: {@code Ā = Φ(L⁻ᵀ
     * Φ(Lᵀ L̄) L⁻¹)} folded onto the lower triangle, O(K³) like the factorization.
     *
     * @param a a {@code [K, K]} symmetric matrix
     * @return its {@code [K, K]} lower-triangular factor
     * @throws IllegalArgumentException if {@code a} is not square or not symmetric
     */
    public static Value cholesky(Value a) {
        int k = squareSize("cholesky", a);
        checkSymmetric("cholesky", a, k);
        double[] l = factor(a.value, k);
        return Value.derive(
                new int[] {k, k},
                l,
                g -> {
                    // Φ(Lᵀ L̄): the lower triangle of Lᵀ L̄ with its diagonal halved (only L̄'s lower triangle counts).
                    double[] phi = new double[k * k];
                    for (int i = 0; i < k; i++) {
                        for (int j = 0; j <= i; j++) {
                            double total = 0.0;
                            for (int m = i; m < k; m++) {
                                total += l[m * k + i] * g[m * k + j];
                            }
                            phi[i * k + j] = i == j ? 0.5 * total : total;
                        }
                    }
                    double[] s = sandwichInverse(l, k, phi);
                    double[] target = a.adjoint();
                    for (int i = 0; i < k; i++) {
                        for (int j = 0; j < i; j++) {
                            target[i * k + j] += s[i * k + j] + s[j * k + i];
                        }
                        target[i * k + i] += s[i * k + i];
                    }
                },
                a);
    }

    /**
     * {@code log det A} of a symmetric positive-definite matrix, from its Cholesky factor (Stan's
     * {@code log_determinant_spd}); NaN when {@code A} is not positive definite. Reads the lower
     * triangle; the adjoint is {@code A⁻¹} folded onto it.
     */
    public static Value logDeterminantSpd(Value a) {
        int k = squareSize("logDeterminantSpd", a);
        checkSymmetric("logDeterminantSpd", a, k);
        double[] l = factor(a.value, k);
        double total = 0.0;
        for (int i = 0; i < k; i++) {
            total += 2.0 * Math.log(l[i * k + i]);
        }
        return Value.derive(
                Shape.SCALAR,
                new double[] {total},
                g -> {
                    double[] identity = new double[k * k];
                    for (int i = 0; i < k; i++) {
                        identity[i * k + i] = 1.0;
                    }
                    double[] inverse = sandwichInverse(l, k, identity);
                    double[] target = a.adjoint();
                    for (int i = 0; i < k; i++) {
                        for (int j = 0; j < i; j++) {
                            target[i * k + j] += g[0] * 2.0 * inverse[i * k + j];
                        }
                        target[i * k + i] += g[0] * inverse[i * k + i];
                    }
                },
                a);
    }

    /**
     * {@code L⁻¹ b} for a lower-triangular {@code L} (Stan's {@code mdivide_left_tri_low}), by
     * forward substitution; only the lower triangle of {@code L} is read.
     *
     * @param lower a {@code [K, K]} lower-triangular matrix
     * @param b a vector of K, or a {@code [K, m]} matrix
     * @return {@code x} with {@code L x = b}, of {@code b}'s shape
     */
    public static Value solveLowerTriangular(Value lower, Value b) {
        int k = squareSize("solveLowerTriangular", lower);
        int columns = b.shape.length == 2 ? b.shape[1] : 1;
        if (b.shape.length == 0 || b.shape[0] != k) {
            throw new IllegalArgumentException("solveLowerTriangular: a " + k + "×" + k + " matrix needs a vector of "
                    + k + " or a matrix of " + k + " rows, got shape " + Shape.describe(b.shape));
        }
        double[] l = lower.value;
        double[] x = b.value.clone();
        solveLower(l, k, x, columns);
        return Value.derive(
                b.shape,
                x,
                g -> {
                    // b̄ = L⁻ᵀ x̄ and L̄ = −b̄ xᵀ (lower triangle).
                    double[] bBar = g.clone();
                    solveLowerTransposed(l, k, bBar, columns);
                    if (b.adjoint() != null) {
                        for (int i = 0; i < bBar.length; i++) {
                            b.adjoint()[i] += bBar[i];
                        }
                    }
                    if (lower.adjoint() != null) {
                        for (int i = 0; i < k; i++) {
                            for (int j = 0; j <= i; j++) {
                                double total = 0.0;
                                for (int c = 0; c < columns; c++) {
                                    total += bBar[i * columns + c] * x[j * columns + c];
                                }
                                lower.adjoint()[i * k + j] -= total;
                            }
                        }
                    }
                },
                lower,
                b);
    }

    // ---------------------------------------------------------------- dense kernels

    /** The Cholesky factor of the lower triangle of {@code a}, or NaNs when it is not positive definite. */
    static double[] factor(double[] a, int k) {
        double[] l = new double[k * k];
        for (int i = 0; i < k; i++) {
            for (int j = 0; j <= i; j++) {
                double s = a[i * k + j];
                for (int m = 0; m < j; m++) {
                    s -= l[i * k + m] * l[j * k + m];
                }
                if (i == j) {
                    if (!(s > 0.0) || s == Double.POSITIVE_INFINITY) {
                        java.util.Arrays.fill(l, Double.NaN);
                        return l;
                    }
                    l[i * k + i] = Math.sqrt(s);
                } else {
                    l[i * k + j] = s / l[j * k + j];
                }
            }
        }
        return l;
    }

    /** {@code L⁻ᵀ M L⁻¹} for a lower-triangular {@code L}: two triangular solves, each O(K³). */
    private static double[] sandwichInverse(double[] l, int k, double[] m) {
        // X = M L⁻¹ row by row (Lᵀ xᵣ = mᵣ), then L⁻ᵀ X column by column (Lᵀ g = x).
        double[] x = m.clone();
        double[] row = new double[k];
        for (int r = 0; r < k; r++) {
            System.arraycopy(x, r * k, row, 0, k);
            solveLowerTransposed(l, k, row, 1);
            System.arraycopy(row, 0, x, r * k, k);
        }
        solveLowerTransposed(l, k, x, k);
        return x;
    }

    /** Solves {@code L X = B} in place for the {@code [K, columns]} matrix B (row-major). */
    private static void solveLower(double[] l, int k, double[] b, int columns) {
        for (int i = 0; i < k; i++) {
            double inverse = 1.0 / l[i * k + i];
            for (int c = 0; c < columns; c++) {
                double s = b[i * columns + c];
                for (int m = 0; m < i; m++) {
                    s -= l[i * k + m] * b[m * columns + c];
                }
                b[i * columns + c] = s * inverse;
            }
        }
    }

    /** Solves {@code Lᵀ X = B} in place for the {@code [K, columns]} matrix B (row-major). */
    private static void solveLowerTransposed(double[] l, int k, double[] b, int columns) {
        for (int i = k - 1; i >= 0; i--) {
            double inverse = 1.0 / l[i * k + i];
            for (int c = 0; c < columns; c++) {
                double s = b[i * columns + c];
                for (int m = i + 1; m < k; m++) {
                    s -= l[m * k + i] * b[m * columns + c];
                }
                b[i * columns + c] = s * inverse;
            }
        }
    }

    private static int squareSize(String operation, Value m) {
        if (m.shape.length != 2 || m.shape[0] != m.shape[1]) {
            throw new IllegalArgumentException(
                    operation + " needs a square matrix, got shape " + Shape.describe(m.shape));
        }
        return m.shape[0];
    }

    private static void checkSymmetric(String operation, Value a, int k) {
        for (int i = 0; i < k; i++) {
            for (int j = 0; j < i; j++) {
                double lower = a.value[i * k + j];
                double upper = a.value[j * k + i];
                if (Math.abs(lower - upper) > 1e-8 * Math.max(1.0, Math.max(Math.abs(lower), Math.abs(upper)))) {
                    throw new IllegalArgumentException(operation + ": the matrix is not symmetric at (" + i + ", " + j
                            + "): " + lower + " and " + upper);
                }
            }
        }
    }
}
