package io.github.elbo4j.vi.density;

import static io.github.elbo4j.vi.autodiff.Value.constant;
import static io.github.elbo4j.vi.density.Densities.*;
import static io.github.elbo4j.vi.density.DensityChecks.assertClose;
import static io.github.elbo4j.vi.density.DensityChecks.checkGradients;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.elbo4j.vi.autodiff.Functions;
import io.github.elbo4j.vi.autodiff.Value;
import java.util.function.DoubleUnaryOperator;
import org.hipparchus.distribution.multivariate.MultivariateNormalDistribution;
import org.hipparchus.special.Gamma;
import org.junit.jupiter.api.Test;

/** Multivariate normal (Cholesky), Dirichlet and LKJ: values against direct formulas, gradients by finite differences. */
class MultivariateDensitiesTest {

    /** A lower-triangular factor with a positive diagonal (its upper entries are ignored by the density). */
    private static final double[] FACTOR = {1.2, 0.0, 0.0, -0.4, 0.9, 0.0, 0.7, 0.3, 1.5};

    private static final double[] Y = {0.5, -1.0, 2.0};
    private static final double[] MU = {0.1, 0.2, -0.3};

    @Test
    void multiNormalCholeskyMatchesHipparchusWithTheCovarianceLLt() {
        double[][] covariance = new double[3][3];
        for (int i = 0; i < 3; i++) {
            for (int j = 0; j < 3; j++) {
                for (int k = 0; k < 3; k++) {
                    covariance[i][j] += FACTOR[i * 3 + k] * FACTOR[j * 3 + k];
                }
            }
        }
        MultivariateNormalDistribution reference = new MultivariateNormalDistribution(MU, covariance);
        Value lower = constant(new int[] {3, 3}, FACTOR);
        assertClose(
                multiNormalCholesky(constant(Y), constant(MU), lower).doubleValue(), Math.log(reference.density(Y)));
        double[] second = {-0.7, 0.4, 1.1};
        Value rows = constant(new double[][] {Y, second});
        assertClose(
                multiNormalCholesky(rows, constant(MU), lower).doubleValue(),
                Math.log(reference.density(Y)) + Math.log(reference.density(second)));
        // The same factor from Functions.cholesky of the covariance.
        assertClose(
                multiNormalCholesky(constant(Y), constant(MU), Functions.cholesky(constant(covariance)))
                        .doubleValue(),
                Math.log(reference.density(Y)));
    }

    @Test
    void multiNormalCholeskyGradientsMatchFiniteDifferences() {
        checkGradients(a -> multiNormalCholesky(a[0], a[1], matrix(a[2], 3, 3)), Y, MU, FACTOR);
        checkGradients(
                a -> multiNormalCholesky(matrix(a[0], 2, 3), a[1], matrix(a[2], 3, 3)),
                new double[] {0.5, -1.0, 2.0, -0.7, 0.4, 1.1},
                MU,
                FACTOR);
        checkGradients(
                a -> multiNormalCholesky(matrix(a[0], 2, 3), matrix(a[1], 2, 3), matrix(a[2], 3, 3)),
                new double[] {0.5, -1.0, 2.0, -0.7, 0.4, 1.1},
                new double[] {0.1, 0.2, -0.3, 0.0, 0.5, 0.9},
                FACTOR);
        // Through the Cholesky factor of a covariance built from parameters: a GP's likelihood.
        double[] x = {0.0, 0.4, 1.3};
        checkGradients(
                a -> multiNormalCholesky(
                        a[0],
                        constant(0.0, 0.0, 0.0),
                        Functions.cholesky(Functions.addDiag(Functions.gpExpQuadCov(x, a[1], a[2]), 0.1))),
                Y,
                new double[] {1.3},
                new double[] {0.7});
    }

    @Test
    void multiNormalCholeskyRejectsABadFactorQuietlyAndBadShapesLoudly() {
        double[] singular = FACTOR.clone();
        singular[4] = 0.0;
        assertThat(multiNormalCholesky(constant(Y), constant(MU), constant(new int[] {3, 3}, singular))
                        .doubleValue())
                .isEqualTo(Double.NEGATIVE_INFINITY);
        assertThatThrownBy(() ->
                        multiNormalCholesky(constant(1.0, 2.0), constant(MU), constant(new int[] {3, 3}, FACTOR)))
                .hasMessage("multi_normal_cholesky: y must be a vector of 3 or a matrix of 3 columns, got shape [2]");
    }

    @Test
    void dirichletMatchesItsDefinition() {
        double[] theta = {0.2, 0.5, 0.3};
        double[] alpha = {1.5, 0.7, 3.0};
        double expected = Gamma.logGamma(5.2)
                - Gamma.logGamma(1.5)
                - Gamma.logGamma(0.7)
                - Gamma.logGamma(3.0)
                + 0.5 * Math.log(0.2)
                - 0.3 * Math.log(0.5)
                + 2.0 * Math.log(0.3);
        assertClose(dirichlet(constant(theta), alpha).doubleValue(), expected);
        assertClose(dirichlet(constant(new double[][] {theta, theta}), alpha).doubleValue(), 2 * expected);
        // Dirichlet(1, 1, 1) is uniform on the simplex, whose area (in the first K − 1 coordinates) is 1/2.
        assertClose(dirichlet(constant(theta), 1.0, 1.0, 1.0).doubleValue(), Math.log(2.0));
        checkGradients(a -> dirichlet(a[0], a[1]), theta, alpha);
        checkGradients(a -> dirichlet(matrix(a[0], 2, 3), a[1]), new double[] {0.2, 0.5, 0.3, 0.6, 0.1, 0.3}, alpha);
        checkGradients(
                a -> dirichlet(matrix(a[0], 2, 3), matrix(a[1], 2, 3)),
                new double[] {0.2, 0.5, 0.3, 0.6, 0.1, 0.3},
                new double[] {1.5, 0.7, 3.0, 2.0, 2.0, 0.5});
        assertThatThrownBy(() -> dirichlet(constant(0.2, 0.5, 0.4), alpha))
                .hasMessage("dirichlet: outcome row 0 sums to 1.1, not 1 (within 1e-4)");
        assertThat(dirichlet(constant(theta), 1.0, -1.0, 1.0).doubleValue()).isEqualTo(Double.NEGATIVE_INFINITY);
    }

    @Test
    void lkjCorrCholeskyIntegratesToOneForTwoByTwo() {
        // K = 2: L = [[1, 0], [r, √(1 − r²)]] and the density of L is that of its correlation r.
        // η = 1 is uniform on (−1, 1); integer η > 1 makes the integrand a polynomial in r vanishing at
        // ±1 (where L is singular and the density −∞), which Simpson's rule integrates to ~1e-12.
        assertClose(lkjCorrCholesky(correlationFactor(0.3), 1.0).doubleValue(), Math.log(0.5));
        for (double eta : new double[] {2.0, 5.0}) {
            double total = simpson(
                    r -> Math.exp(lkjCorrCholesky(correlationFactor(r), eta).doubleValue()), -1.0, 1.0, 2000);
            assertThat(total).as("η = %s", eta).isCloseTo(1.0, org.assertj.core.api.Assertions.within(1e-10));
        }
    }

    @Test
    void lkjCorrCholeskyNormalizesByTheVolumeOfCorrelationMatrices() {
        // η = 1 is uniform over correlation matrices: their volume is π²/2 for K = 3 and 32π²/27 for K = 4
        // (Rousseeuw and Molenberghs 1994); the factor's density adds the Jacobian Π_i L_ii^(K − i − 1).
        double[] three = {1.0, 0.0, 0.0, 0.6, 0.8, 0.0, -0.3, 0.5, Math.sqrt(1 - 0.09 - 0.25)};
        double jacobian3 = Math.log(0.8);
        assertClose(
                lkjCorrCholesky(constant(new int[] {3, 3}, three), 1.0).doubleValue(),
                jacobian3 - Math.log(Math.PI * Math.PI / 2));
        double d2 = Math.sqrt(1 - 0.04 - 0.36);
        double d3 = Math.sqrt(1 - 0.01 - 0.09 - 0.16);
        double[] four = {1, 0, 0, 0, 0.6, 0.8, 0, 0, 0.2, -0.6, d2, 0, 0.1, 0.3, 0.4, d3};
        double jacobian4 = 2 * Math.log(0.8) + Math.log(d2);
        assertClose(
                lkjCorrCholesky(constant(new int[] {4, 4}, four), 1.0).doubleValue(),
                jacobian4 - Math.log(32 * Math.PI * Math.PI / 27));
        // K = 3, any η: the density factorizes into (1 − a²)^((2η − 1)/2) for row 1 and (1 − b² − c²)^(η − 1)
        // over the unit disc for row 2, whose integral is π/η. At η = 2.5 the first is ∫(1 − a²)² da = 16/15.
        double eta = 2.5;
        double firstRow = 16.0 / 15.0;
        double unnormalized = (2 * eta - 1) * Math.log(0.8) + (2 * eta - 2) * Math.log(three[8]);
        assertClose(
                lkjCorrCholesky(constant(new int[] {3, 3}, three), eta).doubleValue(),
                unnormalized - Math.log(firstRow * Math.PI / eta));
    }

    @Test
    void lkjCorrCholeskyGradientsMatchFiniteDifferences() {
        double[] three = {1.0, 0.0, 0.0, 0.6, 0.8, 0.0, -0.3, 0.5, Math.sqrt(1 - 0.09 - 0.25)};
        checkGradients(a -> lkjCorrCholesky(matrix(a[0], 3, 3), a[1]), three, new double[] {2.3});
        checkGradients(a -> lkjCorrCholesky(matrix(a[0], 3, 3), a[1]), three, new double[] {0.6});
        assertThat(lkjCorrCholesky(constant(new int[] {3, 3}, three), 0.0).doubleValue())
                .isEqualTo(Double.NEGATIVE_INFINITY);
    }

    /** Composite Simpson's rule with {@code n} (even) intervals. */
    private static double simpson(DoubleUnaryOperator f, double a, double b, int n) {
        double h = (b - a) / n;
        double total = f.applyAsDouble(a) + f.applyAsDouble(b);
        for (int i = 1; i < n; i++) {
            total += (i % 2 == 1 ? 4 : 2) * f.applyAsDouble(a + i * h);
        }
        return total * h / 3;
    }

    private static Value correlationFactor(double r) {
        return constant(new int[] {2, 2}, new double[] {1.0, 0.0, r, Math.sqrt(1 - r * r)});
    }

    private static Value matrix(Value v, int rows, int cols) {
        return DensitiesTest.matrix(v, rows, cols);
    }
}
