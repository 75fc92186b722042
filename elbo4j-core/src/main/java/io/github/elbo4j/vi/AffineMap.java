package io.github.elbo4j.vi;

import io.github.elbo4j.vi.fit.MomentMatchedNoise;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Function;

/**
 * An invertible affine change of a model's unconstrained coordinates, {@code z = shift + matrix · u},
 * for preconditioning: a fit over u of the pulled-back density
 *
 * <pre>
 *   f_u(u) = f(shift + A u) + log |det A|,   ∇f_u(u) = Aᵀ ∇f(shift + A u)
 * </pre>
 *
 * is a fit of the same posterior, and its Gaussian q_u pushed forward, {@code q_z = N(shift + A μ,
 * A Σ Aᵀ)}, is a Gaussian over z with the same ELBO, log-evidence estimate and k̂ (the importance
 * ratios {@code p(z)/q_z(z) = p_u(u)/q_u(u)} are identical draw by draw). What changes is the
 * family: a mean-field q over well-chosen u (centred and scaled regression coefficients, rstanarm's
 * and brms's device) is a correlated Gaussian over z, and the optimizer meets a well-conditioned
 * problem.
 *
 * <p>Two users: {@link io.github.elbo4j.vi.glm.GlmPreconditioner} (A upper triangular: centre and
 * scale the predictors) and {@link GaussianVi}, which whitens every model with the mode and the
 * Laplace covariance's Cholesky factor (A lower triangular), so that the posterior in u is close to
 * a standard normal, one gradient tolerance means the same accuracy for every parameter, and an
 * optimizer starting at q = N(0, I) starts at the Laplace approximation.
 */
public final class AffineMap {

    private final double[] shift;
    private final double[][] matrix;
    private final double logAbsDeterminant;

    /**
     * Creates the map.
     *
     * @param shift the image of u = 0, {@code [D]}
     * @param matrix A, {@code [D][D]}, invertible
     * @throws IllegalArgumentException if the shapes disagree, a value is not finite or A is singular
     */
    public AffineMap(double[] shift, double[][] matrix) {
        int d = shift.length;
        if (matrix.length != d) {
            throw new IllegalArgumentException("the matrix has " + matrix.length + " rows for a shift of length " + d);
        }
        this.shift = shift.clone();
        this.matrix = new double[d][];
        for (int i = 0; i < d; i++) {
            if (matrix[i].length != d) {
                throw new IllegalArgumentException(
                        "row " + i + " of the matrix has " + matrix[i].length + " entries, expected " + d);
            }
            this.matrix[i] = matrix[i].clone();
            for (int j = 0; j < d; j++) {
                if (!Double.isFinite(matrix[i][j])) {
                    throw new IllegalArgumentException("matrix entry (" + i + ", " + j + ") is " + matrix[i][j]);
                }
            }
            if (!Double.isFinite(shift[i])) {
                throw new IllegalArgumentException("shift " + i + " is " + shift[i]);
            }
        }
        this.logAbsDeterminant = logAbsDeterminant(this.matrix);
    }

    /** log |det A| by Gaussian elimination with partial pivoting. */
    private static double logAbsDeterminant(double[][] a) {
        int d = a.length;
        double[][] lu = new double[d][];
        for (int i = 0; i < d; i++) {
            lu[i] = a[i].clone();
        }
        double sum = 0;
        for (int k = 0; k < d; k++) {
            int pivot = k;
            for (int i = k + 1; i < d; i++) {
                if (Math.abs(lu[i][k]) > Math.abs(lu[pivot][k])) {
                    pivot = i;
                }
            }
            double[] row = lu[pivot];
            lu[pivot] = lu[k];
            lu[k] = row;
            if (row[k] == 0) {
                throw new IllegalArgumentException("the matrix is singular (no pivot in column " + k + ")");
            }
            sum += Math.log(Math.abs(row[k]));
            for (int i = k + 1; i < d; i++) {
                double factor = lu[i][k] / row[k];
                for (int j = k; j < d; j++) {
                    lu[i][j] -= factor * row[j];
                }
            }
        }
        return sum;
    }

    /** D. */
    public int dimension() {
        return shift.length;
    }

    /** The shift (a copy). */
    public double[] shift() {
        return shift.clone();
    }

    /** A (a copy). */
    public double[][] matrix() {
        double[][] copy = new double[matrix.length][];
        for (int i = 0; i < copy.length; i++) {
            copy[i] = matrix[i].clone();
        }
        return copy;
    }

    /** log |det A|. */
    public double logAbsDeterminant() {
        return logAbsDeterminant;
    }

    /**
     * Maps one point.
     *
     * @param u a point of the preconditioned space, {@code [D]}
     * @return {@code shift + A u}
     */
    public double[] apply(double[] u) {
        double[] z = new double[shift.length];
        applyTo(u, 0, z, 0);
        return z;
    }

    private void applyTo(double[] u, int from, double[] z, int to) {
        int d = shift.length;
        for (int i = 0; i < d; i++) {
            double value = shift[i];
            double[] row = matrix[i];
            for (int j = 0; j < d; j++) {
                value += row[j] * u[from + j];
            }
            z[to + i] = value;
        }
    }

    /**
     * The density over u that a fit of the preconditioned coordinates maximises (see the class
     * documentation); the records argument passes through, so minibatches work as before.
     *
     * @param density f over z
     * @return f_u over u; closing it closes {@code density}
     */
    public UnconstrainedDensity pullBack(UnconstrainedDensity density) {
        int d = shift.length;
        return new UnconstrainedDensity() {
            @Override
            public void evaluate(double[] u, int count, int[] records, double[] logDensity, double[] gradient) {
                double[] z = new double[count * d];
                for (int s = 0; s < count; s++) {
                    applyTo(u, s * d, z, s * d);
                }
                double[] zGradient = gradient == null ? null : new double[count * d];
                density.evaluate(z, count, records, logDensity, zGradient);
                for (int s = 0; s < count; s++) {
                    logDensity[s] += logAbsDeterminant;
                    if (gradient != null) {
                        for (int j = 0; j < d; j++) {
                            double sum = 0;
                            for (int i = 0; i < d; i++) {
                                sum += matrix[i][j] * zGradient[s * d + i];
                            }
                            gradient[s * d + j] = sum;
                        }
                    }
                }
            }

            @Override
            public boolean batchesPayOff() {
                return density.batchesPayOff();
            }

            @Override
            public String engine() {
                return density.engine();
            }

            @Override
            public void close() {
                density.close();
            }
        };
    }

    /**
     * The exact expectation over u that {@link #pullBack(UnconstrainedDensity)} implies: a Gaussian
     * {@code N(μ, L Lᵀ)} over u is {@code N(shift + A μ, (A L)(A L)ᵀ)} over z, so
     *
     * <pre>
     *   E_u(μ, L) = E_z(shift + A μ, A L) + log|det A|,   ∂E_u/∂μ = Aᵀ ∂E_z/∂μ_z,   ∂E_u/∂L = Aᵀ ∂E_z/∂L_z
     * </pre>
     *
     * (the last restricted to the lower triangle). A L is a Cholesky factor, as {@link
     * GaussianExpectation} needs, only when A is lower triangular.
     *
     * @param expectation E_z
     * @return E_u
     * @throws IllegalStateException if A is not lower triangular
     */
    public GaussianExpectation pullBack(GaussianExpectation expectation) {
        int d = shift.length;
        for (int i = 0; i < d; i++) {
            for (int j = i + 1; j < d; j++) {
                if (matrix[i][j] != 0) {
                    throw new IllegalStateException("an expectation pulls back only through a lower-triangular map;"
                            + " entry (" + i + ", " + j + ") is " + matrix[i][j]);
                }
            }
        }
        return new GaussianExpectation() {
            @Override
            public String method() {
                return expectation.method();
            }

            @Override
            public double evaluate(
                    double[] mean, double[] scaleTril, double[] meanGradient, double[] scaleTrilGradient) {
                double[] zMean = apply(mean);
                double[] zScaleTril = new double[d * d];
                for (int i = 0; i < d; i++) {
                    for (int j = 0; j <= i; j++) {
                        double sum = 0;
                        for (int k = j; k <= i; k++) {
                            sum += matrix[i][k] * scaleTril[k * d + j];
                        }
                        zScaleTril[i * d + j] = sum;
                    }
                }
                double[] zMeanGradient = new double[d];
                double[] zScaleTrilGradient = new double[d * d];
                double value =
                        expectation.evaluate(zMean, zScaleTril, zMeanGradient, zScaleTrilGradient) + logAbsDeterminant;
                Arrays.fill(scaleTrilGradient, 0, d * d, 0.0);
                for (int k = 0; k < d; k++) {
                    double sum = 0;
                    for (int i = k; i < d; i++) {
                        sum += matrix[i][k] * zMeanGradient[i];
                    }
                    meanGradient[k] = sum;
                    for (int j = 0; j <= k; j++) {
                        double g = 0;
                        for (int i = k; i < d; i++) {
                            g += matrix[i][k] * zScaleTrilGradient[i * d + j];
                        }
                        scaleTrilGradient[k * d + j] = g;
                    }
                }
                return value;
            }
        };
    }

    /**
     * The fit over z that a fit over u amounts to: q pushed forward, every draw mapped (through the
     * blocks' constraints: unconstrain, map, constrain), the linear-response Gaussian (if any) pushed
     * forward with fresh draws, and the importance weights, ELBO, evidence, k̂, trace, provenance and
     * reliability verdict carried over unchanged, as they are invariant (see the class documentation). The comparison
     * with the Laplace covariance stays that of the coordinates the fit ran in (its KL divergence is
     * invariant; its per-coordinate sd ratios are those of u).
     *
     * @param fitOverU a fit of the pulled-back density, whose blocks are those of the model over z
     * @param model the model over z, which maps its unconstrained points to the blocks' values
     * @return the same fit over z
     * @throws IllegalArgumentException if the blocks' dimension is not D
     */
    public VariationalPosterior pushForward(VariationalPosterior fitOverU, Model model) {
        ParameterSpace space = new ParameterSpace(fitOverU.blocks());
        if (space.dimension() != dimension()) {
            throw new IllegalArgumentException(
                    "the fit has " + space.dimension() + " unconstrained coordinates," + " the map " + dimension());
        }
        String first = fitOverU.blocks().get(0).name();
        Map<String, double[][]> draws = mapDraws(space, model, fitOverU::draws);
        Map<String, double[][]> resampled = fitOverU.resampledDraws(first).isPresent()
                ? mapDraws(space, model, name -> fitOverU.resampledDraws(name).orElseThrow())
                : null;
        FittedGaussian linearResponse =
                fitOverU.linearResponse().map(this::pushForward).orElse(null);
        Map<String, double[][]> linearResponseDraws = null;
        if (linearResponse != null) {
            SplittableRandom random = new SplittableRandom(fitOverU.config().seed());
            double[][] noise = MomentMatchedNoise.independent(fitOverU.draws(first).length, dimension(), random);
            linearResponseDraws = space.constrainedDraws(model, linearResponse.pointsFrom(noise));
        }
        return new VariationalPosterior(
                fitOverU.config(),
                fitOverU.blocks(),
                pushForward(fitOverU.gaussian()),
                draws,
                resampled,
                fitOverU.importanceWeights().orElse(null),
                fitOverU.elbo(),
                fitOverU.elboStandardError(),
                fitOverU.logEvidence(),
                fitOverU.khat(),
                fitOverU.trace(),
                fitOverU.provenance(),
                new VariationalPosterior.Checks(
                        fitOverU.reliability(),
                        fitOverU.laplaceComparison().orElse(null),
                        linearResponse,
                        linearResponseDraws));
    }

    /**
     * A Gaussian over u pushed forward: {@code N(shift + A μ, A Σ Aᵀ)}. Its scale factor is A L where
     * that is lower triangular (A lower triangular), else the Cholesky factor of A Σ Aᵀ.
     *
     * @param q a Gaussian over u
     * @return its image over z
     */
    public FittedGaussian pushForward(FittedGaussian q) {
        int d = shift.length;
        double[][] l = q.scaleTril();
        double[][] product = new double[d][d];
        boolean lower = true;
        for (int i = 0; i < d; i++) {
            for (int j = 0; j < d; j++) {
                double sum = 0;
                for (int k = 0; k < d; k++) {
                    sum += matrix[i][k] * l[k][j];
                }
                product[i][j] = sum;
                lower &= j <= i || sum == 0;
            }
        }
        return new FittedGaussian(apply(q.mean()), lower ? product : DenseCholesky.factor(congruence(q.covariance())));
    }

    /** A Σ Aᵀ. */
    private double[][] congruence(double[][] sigma) {
        int d = shift.length;
        double[][] product = new double[d][d];
        for (int i = 0; i < d; i++) {
            for (int j = 0; j < d; j++) {
                double sum = 0;
                for (int k = 0; k < d; k++) {
                    sum += matrix[i][k] * sigma[k][j];
                }
                product[i][j] = sum;
            }
        }
        double[][] result = new double[d][d];
        for (int i = 0; i < d; i++) {
            for (int j = 0; j <= i; j++) {
                double sum = 0;
                for (int k = 0; k < d; k++) {
                    sum += product[i][k] * matrix[j][k];
                }
                result[i][j] = sum;
                result[j][i] = sum;
            }
        }
        return result;
    }

    private Map<String, double[][]> mapDraws(ParameterSpace space, Model model, Function<String, double[][]> source) {
        List<ParameterBlock> blocks = space.blocks();
        List<double[][]> byBlock =
                blocks.stream().map(b -> source.apply(b.name())).toList();
        int n = byBlock.get(0).length;
        double[][] points = new double[n][];
        double[] u = new double[dimension()];
        for (int s = 0; s < n; s++) {
            for (int b = 0; b < blocks.size(); b++) {
                double[] unconstrained = blocks.get(b).constraint().toUnconstrained(byBlock.get(b)[s]);
                System.arraycopy(unconstrained, 0, u, space.offset(b), unconstrained.length);
            }
            points[s] = apply(u);
        }
        return new LinkedHashMap<>(space.constrainedDraws(model, points));
    }
}
