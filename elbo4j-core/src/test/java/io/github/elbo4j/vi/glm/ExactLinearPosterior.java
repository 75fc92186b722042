package io.github.elbo4j.vi.glm;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.hipparchus.linear.CholeskyDecomposition;
import org.hipparchus.linear.MatrixUtils;
import org.hipparchus.linear.RealMatrix;
import org.hipparchus.linear.RealVector;

/**
 * The exact posterior moments of a linear regression with normal priors on the (centred) intercept
 * and the coefficients and any prior on σ, written independently of the fitting code. Prior j is
 * normal(m₀_j, s_j) on w_jᵀθ, where w_j is the unit vector of coefficient j and, for the intercept,
 * (1, x̄): Λ = Σ_j w_j w_jᵀ / s_j², h = Σ_j w_j m₀_j / s_j². Given σ the coefficients θ = (α, β)
 * are conjugate, {@code θ | σ, y ~ N(m(σ), P(σ)⁻¹)} with
 *
 * <pre>
 *   P = X̃ᵀX̃/σ² + Λ,   m = P⁻¹ (X̃ᵀy/σ² + h)
 *   log p(σ | y) = log p(σ) − n log σ − ½ [‖y − X̃m‖²/σ² + Σ_j (w_jᵀm − m₀_j)²/s_j² + log det P] + const
 * </pre>
 *
 * and the one-dimensional marginal of log σ is integrated on a fine grid (trapezoid rule over ±12
 * approximate posterior sds), which is exact to far below the tolerances of the tests.
 */
final class ExactLinearPosterior {

    private static final int GRID = 201;

    private ExactLinearPosterior() {}

    /**
     * The posterior means and sds by name ({@code intercept}, the columns, {@code sigma}).
     *
     * @param columns predictor names
     * @param x predictors {@code [n][p]}
     * @param y responses
     * @param priors normal priors for intercept and columns, any prior for sigma (e.g. a model's
     *     resolved {@link GeneralizedLinearModel#priors()})
     * @param interceptCentre x̄, where the intercept's prior applies to α + x̄·β ({@link
     *     GeneralizedLinearModel#interceptPriorCentre()})
     * @return name → {mean, sd}
     */
    static Map<String, double[]> moments(
            List<String> columns,
            double[][] x,
            double[] y,
            Map<String, RegressionPrior> priors,
            double[] interceptCentre) {
        int n = y.length;
        int k = columns.size() + 1;
        List<String> names = new ArrayList<>();
        names.add(GeneralizedLinearModel.INTERCEPT);
        names.addAll(columns);
        double[] priorMean = new double[k];
        double[] priorPrecision = new double[k];
        double[][] rows = new double[k][k];
        for (int j = 0; j < k; j++) {
            RegressionPrior.Normal normal = (RegressionPrior.Normal) priors.get(names.get(j));
            priorMean[j] = normal.location();
            priorPrecision[j] = 1 / (normal.scale() * normal.scale());
            rows[j][j] = 1;
        }
        System.arraycopy(interceptCentre, 0, rows[0], 1, k - 1);
        RealMatrix lambda = MatrixUtils.createRealMatrix(k, k);
        RealVector h = MatrixUtils.createRealVector(new double[k]);
        for (int j = 0; j < k; j++) {
            RealVector wj = MatrixUtils.createRealVector(rows[j]);
            lambda = lambda.add(wj.outerProduct(wj).scalarMultiply(priorPrecision[j]));
            h = h.add(wj.mapMultiply(priorPrecision[j] * priorMean[j]));
        }
        RegressionPrior sigmaPrior = priors.get(GeneralizedLinearModel.SIGMA);
        double[][] design = new double[n][];
        for (int i = 0; i < n; i++) {
            design[i] = design(x[i]);
        }
        RealMatrix gram = MatrixUtils.createRealMatrix(k, k);
        RealVector xty = MatrixUtils.createRealVector(new double[k]);
        for (int i = 0; i < n; i++) {
            double[] row = design[i];
            for (int a = 0; a < k; a++) {
                xty.addToEntry(a, row[a] * y[i]);
                for (int b = 0; b < k; b++) {
                    gram.addToEntry(a, b, row[a] * row[b]);
                }
            }
        }
        // Centre the grid on the least-squares residual scale; sd(log σ) ≈ 1/√(2n).
        Conditional ols = conditional(
                gram,
                xty,
                MatrixUtils.createRealMatrix(k, k),
                MatrixUtils.createRealVector(new double[k]),
                1.0,
                design,
                y);
        double centre = Math.log(Math.sqrt(ols.rss / n));
        double halfWidth = 12 / Math.sqrt(2.0 * n) + 12.0 / n;
        double[] logWeight = new double[GRID];
        Conditional[] at = new Conditional[GRID];
        double[] sigmas = new double[GRID];
        double max = Double.NEGATIVE_INFINITY;
        for (int g = 0; g < GRID; g++) {
            double logSigma = centre - halfWidth + 2 * halfWidth * g / (GRID - 1);
            double sigma = Math.exp(logSigma);
            sigmas[g] = sigma;
            at[g] = conditional(gram, xty, lambda, h, sigma, design, y);
            double quadratic = at[g].rss / (sigma * sigma);
            for (int j = 0; j < k; j++) {
                double d = MatrixUtils.createRealVector(rows[j]).dotProduct(MatrixUtils.createRealVector(at[g].mean))
                        - priorMean[j];
                quadratic += d * d * priorPrecision[j];
            }
            // + log σ: the density of log σ, the grid's variable.
            logWeight[g] = sigmaPrior.logDensity(sigma, true)
                    + logSigma
                    - n * logSigma
                    - 0.5 * (quadratic + at[g].logDetPrecision);
            max = Math.max(max, logWeight[g]);
        }
        double total = 0;
        double[] weight = new double[GRID];
        for (int g = 0; g < GRID; g++) {
            weight[g] = Math.exp(logWeight[g] - max) * (g == 0 || g == GRID - 1 ? 0.5 : 1.0);
            total += weight[g];
        }
        if (weight[0] / total > 1e-12 || weight[GRID - 1] / total > 1e-12) {
            throw new IllegalStateException("the grid over log sigma does not cover the posterior");
        }
        Map<String, double[]> result = new LinkedHashMap<>();
        for (int j = 0; j < k; j++) {
            double first = 0;
            double second = 0;
            for (int g = 0; g < GRID; g++) {
                double w = weight[g] / total;
                first += w * at[g].mean[j];
                second += w * (at[g].variance[j] + at[g].mean[j] * at[g].mean[j]);
            }
            result.put(names.get(j), new double[] {first, Math.sqrt(second - first * first)});
        }
        double first = 0;
        double second = 0;
        for (int g = 0; g < GRID; g++) {
            double w = weight[g] / total;
            first += w * sigmas[g];
            second += w * sigmas[g] * sigmas[g];
        }
        result.put(GeneralizedLinearModel.SIGMA, new double[] {first, Math.sqrt(second - first * first)});
        return result;
    }

    private record Conditional(double[] mean, double[] variance, double logDetPrecision, double rss) {}

    private static Conditional conditional(
            RealMatrix gram,
            RealVector xty,
            RealMatrix lambda,
            RealVector h,
            double sigma,
            double[][] design,
            double[] y) {
        int k = h.getDimension();
        RealMatrix precision = gram.scalarMultiply(1 / (sigma * sigma)).add(lambda);
        RealVector rhs = xty.mapDivide(sigma * sigma).add(h);
        CholeskyDecomposition cholesky = new CholeskyDecomposition(precision, 1e-14, 0);
        double[] mean = cholesky.getSolver().solve(rhs).toArray();
        RealMatrix covariance = cholesky.getSolver().getInverse();
        double[] variance = new double[k];
        for (int j = 0; j < k; j++) {
            variance[j] = covariance.getEntry(j, j);
        }
        double rss = 0;
        for (int i = 0; i < y.length; i++) {
            double[] row = design[i];
            double residual = y[i];
            for (int j = 0; j < k; j++) {
                residual -= row[j] * mean[j];
            }
            rss += residual * residual;
        }
        return new Conditional(mean, variance, Math.log(cholesky.getDeterminant()), rss);
    }

    private static double[] design(double[] x) {
        double[] row = new double[x.length + 1];
        row[0] = 1;
        System.arraycopy(x, 0, row, 1, x.length);
        return row;
    }
}
