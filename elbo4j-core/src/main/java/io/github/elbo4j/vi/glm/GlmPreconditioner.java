package io.github.elbo4j.vi.glm;

import io.github.elbo4j.vi.AffineMap;
import io.github.elbo4j.vi.DenseCholesky;
import io.github.elbo4j.vi.GaussianVi;
import io.github.elbo4j.vi.VariationalPosterior;
import io.github.elbo4j.vi.ViConfig;
import io.github.elbo4j.vi.ViListener;

/**
 * The affine map {@code z = b + A u} of a {@link Preconditioning} for one regression's data, from
 * the preconditioned coordinates u that the fit sees to the model's unconstrained coordinates z
 * (α, β, log σ in {@link GlmLayout} order). With x̄_j and s_j the mean and standard deviation of
 * predictor j (no centring and the root mean square without an intercept), ȳ and s_y those of the
 * response, and {@code R̃} the upper Cholesky factor of the standardized predictors' correlation
 * matrix (the identity unless {@link Preconditioning#QR}):
 *
 * <pre>
 *   β   = D R̃⁻¹ u_β,              D = diag(c / s_j),   c = s_y (linear) or 1
 *   α   = b_α + c u_α − x̄ᵀβ,      b_α = ȳ (linear), logit ȳ (logistic), log ȳ (Poisson)
 *   log σ = log s_y + u_σ          (linear)
 *   η_i = α + βᵀx_i = b_α + c u_α + ((x_i − x̄)ᵀ D R̃⁻¹) u_β
 * </pre>
 *
 * so u = 0 is a sensible start (the intercept-only fit), the u-coordinates are of order one, and
 * the centred intercept is nearly independent of the slopes. The record vectors of the last line
 * ({@link GlmRecordExpectation#design}) are computed from the centred predictors, never as
 * differences of large numbers.
 */
public final class GlmPreconditioner {

    private final GlmLayout layout;
    private final Preconditioning kind;
    private final double[] centre;
    /** A_ββ = D R̃⁻¹, {@code [p][p]}. */
    private final double[][] coefficients;

    private final double interceptScale;
    private final double interceptShift;
    private final AffineMap map;

    private GlmPreconditioner(
            GlmLayout layout,
            Preconditioning kind,
            double[] centre,
            double[][] coefficients,
            double interceptScale,
            double interceptShift,
            double sigmaShift) {
        this.layout = layout;
        this.kind = kind;
        this.centre = centre;
        this.coefficients = coefficients;
        this.interceptScale = interceptScale;
        this.interceptShift = interceptShift;
        int q = layout.parameters();
        int a = layout.interceptIndex();
        int b = layout.firstCoefficient();
        int p = centre.length;
        double[] shift = new double[q];
        double[][] matrix = new double[q][q];
        for (int j = 0; j < p; j++) {
            System.arraycopy(coefficients[j], 0, matrix[b + j], b, p);
        }
        if (a >= 0) {
            shift[a] = interceptShift;
            matrix[a][a] = interceptScale;
            for (int k = 0; k < p; k++) {
                double sum = 0;
                for (int j = 0; j < p; j++) {
                    sum += centre[j] * coefficients[j][k];
                }
                matrix[a][b + k] = -sum;
            }
        }
        if (layout.sigmaIndex() >= 0) {
            shift[layout.sigmaIndex()] = sigmaShift;
            matrix[layout.sigmaIndex()][layout.sigmaIndex()] = 1.0;
        }
        this.map = new AffineMap(shift, matrix);
    }

    /**
     * The preconditioner of a regression's data.
     *
     * @param kind which map
     * @param family the response distribution
     * @param layout where α, β and σ sit
     * @param x predictors, row-major {@code [n][p]}
     * @param y responses
     * @return the preconditioner
     */
    static GlmPreconditioner of(Preconditioning kind, GlmFamily family, GlmLayout layout, double[] x, double[] y) {
        int n = y.length;
        int p = layout.parameters() - layout.firstCoefficient() - (layout.sigmaIndex() >= 0 ? 1 : 0);
        boolean intercept = layout.interceptIndex() >= 0;
        double[] centre = new double[p];
        if (kind == Preconditioning.NONE) {
            return fromMoments(kind, family, layout, n, centre, new double[p][p], 0.0, 1.0);
        }
        if (intercept) {
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < p; j++) {
                    centre[j] += x[i * p + j];
                }
            }
            for (int j = 0; j < p; j++) {
                centre[j] /= n;
            }
        }
        // The cross products of the centred predictors (uncentred without an intercept).
        double[][] cross = new double[p][p];
        double[] row = new double[p];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < p; j++) {
                row[j] = x[i * p + j] - centre[j];
            }
            for (int j = 0; j < p; j++) {
                for (int k = 0; k <= j; k++) {
                    cross[j][k] += row[j] * row[k];
                }
            }
        }
        double meanY = 0;
        for (double v : y) {
            meanY += v;
        }
        meanY /= n;
        double sdY = 1.0;
        if (family == GlmFamily.LINEAR && n > 1) {
            double squares = 0;
            for (double v : y) {
                squares += (v - meanY) * (v - meanY);
            }
            double sd = Math.sqrt(squares / (n - 1));
            sdY = sd > 0 ? sd : 1.0;
        }
        return fromMoments(kind, family, layout, n, centre, cross, meanY, sdY);
    }

    /**
     * The preconditioner from the data's moments, for data that is not in memory (the Spark module
     * computes them in one pass).
     *
     * @param kind which map
     * @param family the response distribution
     * @param layout where α, β and σ sit
     * @param n the number of records
     * @param centre the predictors' means x̄ with an intercept, zeros without
     * @param cross Σ_i (x_i − centre)(x_i − centre)ᵀ, {@code [p][p]} (the lower triangle is read)
     * @param meanY ȳ
     * @param sdY the sample sd of y for the linear model (1 where it is 0 or n = 1), else 1
     * @return the preconditioner
     */
    public static GlmPreconditioner fromMoments(
            Preconditioning kind,
            GlmFamily family,
            GlmLayout layout,
            long n,
            double[] centre,
            double[][] cross,
            double meanY,
            double sdY) {
        int p = centre.length;
        boolean intercept = layout.interceptIndex() >= 0;
        double[][] coefficients = new double[p][p];
        if (kind == Preconditioning.NONE) {
            for (int j = 0; j < p; j++) {
                coefficients[j][j] = 1.0;
            }
            return new GlmPreconditioner(layout, kind, new double[p], coefficients, 1.0, 0.0, 0.0);
        }
        double denominator = intercept ? Math.max(n - 1, 1) : n;
        double[] spread = new double[p];
        for (int j = 0; j < p; j++) {
            double sd = Math.sqrt(cross[j][j] / denominator);
            spread[j] = sd > 0 && Double.isFinite(sd) ? sd : 1.0;
        }
        double[][] whitening = kind == Preconditioning.QR ? inverseCholeskyTranspose(cross, spread, denominator) : null;
        boolean decorrelated = whitening != null;
        for (int j = 0; j < p; j++) {
            double scale = sdY / spread[j];
            for (int k = 0; k < p; k++) {
                coefficients[j][k] = decorrelated ? scale * whitening[j][k] : (j == k ? scale : 0.0);
            }
        }
        double interceptShift = !intercept
                ? 0.0
                : switch (family) {
                    case LINEAR -> meanY;
                    // Clamped so that an all-0 or all-1 response still gives a finite start.
                    case LOGISTIC -> {
                        double rate = Math.min(Math.max(meanY, 0.5 / n), 1 - 0.5 / n);
                        yield Math.log(rate / (1 - rate));
                    }
                    case POISSON -> Math.log(Math.max(meanY, 0.5 / n));
                };
        Preconditioning effective = kind == Preconditioning.QR && !decorrelated ? Preconditioning.STANDARDIZE : kind;
        return new GlmPreconditioner(
                layout,
                effective,
                centre,
                coefficients,
                sdY,
                interceptShift,
                family == GlmFamily.LINEAR ? Math.log(sdY) : 0.0);
    }

    /**
     * R̃⁻¹ for the correlation matrix C = R̃ᵀR̃ of the scaled predictors, or null when C is not
     * safely positive definite (collinear or constant predictors): then only standardization applies.
     * R̃ = Lᵀ with L the Cholesky factor of C, so row j of R̃⁻¹ = (L⁻¹)ᵀ is L⁻¹ e_j.
     */
    private static double[][] inverseCholeskyTranspose(double[][] cross, double[] spread, double denominator) {
        int p = spread.length;
        double[][] correlation = new double[p][p];
        for (int j = 0; j < p; j++) {
            for (int k = 0; k <= j; k++) {
                correlation[j][k] = cross[j][k] / (denominator * spread[j] * spread[k]);
            }
        }
        double[][] l = DenseCholesky.tryFactor(correlation);
        if (l == null) {
            return null;
        }
        for (int j = 0; j < p; j++) {
            // A pivot this small means a predictor nearly a combination of the others: R̃⁻¹ would
            // be huge and the map ill-conditioned, which is what it is meant to cure.
            if (!(l[j][j] * l[j][j] > 1e-8)) {
                return null;
            }
        }
        double[][] inverseTranspose = new double[p][];
        for (int j = 0; j < p; j++) {
            double[] unit = new double[p];
            unit[j] = 1.0;
            inverseTranspose[j] = DenseCholesky.solveLower(l, unit);
        }
        return inverseTranspose;
    }

    /**
     * Fits {@code model} by {@link GaussianVi} over this preconditioner's coordinates and reports the
     * fit over the model's ({@link AffineMap#pushForward}): the same posterior, a better-conditioned
     * problem.
     *
     * @param model the regression
     * @param config the settings
     * @param listener receives progress
     * @return the fit over the model's coordinates
     */
    public VariationalPosterior fit(RegressionModel model, ViConfig config, ViListener listener) {
        return map.pushForward(GaussianVi.fit(new PreconditionedGlm(model, this), config, listener), model);
    }

    /** The map from the preconditioned coordinates to the model's unconstrained ones. */
    public AffineMap map() {
        return map;
    }

    /** The preconditioning in effect ({@link Preconditioning#STANDARDIZE} where QR fell back). */
    public Preconditioning kind() {
        return kind;
    }

    /**
     * The records' terms of the exact expected log likelihood over this preconditioner's
     * coordinates (see {@link GlmGaussianExpectation}), which can be evaluated wherever the records are.
     *
     * @param family logistic or Poisson
     * @return the terms
     */
    public GlmRecordExpectation recordExpectation(GlmFamily family) {
        return new GlmRecordExpectation(
                family,
                layout,
                centre,
                coefficients,
                interceptScale,
                layout.interceptIndex() >= 0 ? interceptShift : 0.0);
    }
}
