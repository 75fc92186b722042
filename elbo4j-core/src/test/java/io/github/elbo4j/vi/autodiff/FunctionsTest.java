package io.github.elbo4j.vi.autodiff;

import static io.github.elbo4j.vi.autodiff.Functions.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.hipparchus.linear.LUDecomposition;
import org.hipparchus.linear.MatrixUtils;
import org.hipparchus.special.Beta;
import org.hipparchus.special.Gamma;
import org.junit.jupiter.api.Test;

class FunctionsTest {

    private static final double[] POINT = {0.7, -1.3, 2.1};
    private static final Value WEIGHTS = Value.constant(0.3, -1.2, 0.8);

    @Test
    void softmaxAndLogSoftmaxMatchTheirDefinitionsAndDifferentiate() {
        Value v = Value.constant(POINT);
        double normalizer = Math.exp(0.7) + Math.exp(-1.3) + Math.exp(2.1);
        assertThat(softmax(v).value(2)).isCloseTo(Math.exp(2.1) / normalizer, within(1e-15));
        assertThat(logSoftmax(v).value(1)).isCloseTo(-1.3 - Math.log(normalizer), within(1e-14));
        assertThat(softmax(Value.constant(1000.0, 0.0)).toArray()).containsExactly(1.0, 0.0);
        GradientCheck.check(x -> softmax(x).dot(WEIGHTS), POINT);
        GradientCheck.check(x -> logSoftmax(x).dot(WEIGHTS), POINT);
    }

    @Test
    void twoArgumentLogSumExpBroadcastsAndDifferentiates() {
        Value sum = logSumExp(Value.constant(POINT), Value.constant(0.5));
        assertThat(sum.value(1)).isCloseTo(Math.log(Math.exp(-1.3) + Math.exp(0.5)), within(1e-15));
        assertThat(logSumExp(Value.constant(800.0), Value.constant(800.0)).doubleValue())
                .isCloseTo(800.0 + Math.log(2.0), within(1e-12));
        assertThat(logSumExp(Value.constant(Double.NEGATIVE_INFINITY), Value.constant(Double.NEGATIVE_INFINITY))
                        .doubleValue())
                .isEqualTo(Double.NEGATIVE_INFINITY);
        GradientCheck.check(x -> logSumExp(x, x.get(0).times(2.0)).dot(WEIGHTS), POINT);
        GradientCheck.check(x -> logSumExp(x.get(1), x.get(2)), POINT);
    }

    @Test
    void vectorAssemblyDifferentiates() {
        assertThat(cumulativeSum(Value.constant(POINT)).toArray()).containsExactly(0.7, 0.7 - 1.3, 0.7 - 1.3 + 2.1);
        GradientCheck.check(x -> cumulativeSum(x).dot(WEIGHTS), POINT);
        GradientCheck.check(x -> repVector(x.get(1), 3).times(x).sum(), POINT);
        assertThat(squaredDistance(Value.constant(1.0, 2.0), Value.constant(4.0, -2.0))
                        .doubleValue())
                .isEqualTo(25.0);
        GradientCheck.check(x -> squaredDistance(x, WEIGHTS.times(x.get(0))), POINT);
    }

    @Test
    void linearRecurrenceFollowsItsDefinitionAndDifferentiates() {
        // x_0 = 0.5, x_1 = 0.7 + 0.9 · 0.5, x_2 = −1.3 + 0.9 x_1, x_3 = 2.1 + 0.9 x_2
        double x1 = 0.7 + 0.9 * 0.5;
        double x2 = -1.3 + 0.9 * x1;
        assertThat(linearRecurrence(Value.constant(0.5), Value.constant(POINT), Value.constant(0.9))
                        .toArray())
                .containsExactly(0.5, x1, x2, 2.1 + 0.9 * x2);
        assertThat(linearRecurrence(Value.constant(0.0), Value.constant(POINT), Value.constant(1.0))
                        .toArray())
                .containsExactly(0.0, 0.7, 0.7 - 1.3, 0.7 - 1.3 + 2.1);
        Value last = Value.constant(-0.4, 0.8, 1.5, 0.2);
        // every operand a function of x: the initial value, the shifts, one factor or one per step
        GradientCheck.check(
                x -> linearRecurrence(x.get(0), x.times(x), x.get(1).times(0.5)).dot(last), POINT);
        GradientCheck.check(x -> linearRecurrence(x.get(2), x, x.times(0.3)).dot(last), POINT);
        GradientCheck.check(
                x -> linearRecurrence(Value.constant(1.0), Value.constant(POINT), x.get(0))
                        .dot(last),
                POINT);
        assertThatThrownBy(() -> linearRecurrence(Value.constant(POINT), Value.constant(POINT), Value.constant(1.0)))
                .hasMessage("linearRecurrence needs one initial value, got shape [3]");
        assertThatThrownBy(() -> linearRecurrence(Value.constant(0.0), Value.constant(POINT), Value.constant(1, 2)))
                .hasMessage("linearRecurrence needs one factor or one per shift (3), got shape [2]");
    }

    @Test
    void specialFunctionsMatchHipparchusAndDifferentiate() {
        double[] positive = {0.4, 2.5, 13.0};
        assertThat(lgamma(Value.constant(positive)).value(1)).isEqualTo(Gamma.logGamma(2.5));
        assertThat(digamma(Value.constant(positive)).value(2)).isEqualTo(Functions.digamma(13.0));
        assertThat(lbeta(Value.constant(positive), Value.constant(1.5)).value(0))
                .isEqualTo(Beta.logBeta(0.4, 1.5));
        GradientCheck.check(x -> lgamma(x).dot(WEIGHTS), positive);
        GradientCheck.check(x -> digamma(x).dot(WEIGHTS), positive);
        GradientCheck.check(x -> lbeta(x, x.get(1)).dot(WEIGHTS), positive);
    }

    @Test
    void digammaIsAccurateToRoundingOverItsDomain() {
        // Reference values from mpmath at 25 digits.
        double[][] cases = {
            {1.0, -0.57721566490153286061},
            {0.5, -1.9635100260214234794},
            {13.0, 2.5259950133091453501},
            {1e-5, -100000.57719921568107},
            {2.7, 0.7967831689911410155},
            {80.0, 4.3757636140439836646},
            {1e6, 13.815510057964190771},
            {-0.5, 0.036489973978576520559},
            {-2.3, 3.3173231575618201233}
        };
        for (double[] c : cases) {
            assertThat(Functions.digamma(c[0]))
                    .as("ψ(%s)", c[0])
                    .isCloseTo(c[1], within(4e-15 * Math.max(1.0, Math.abs(c[1]))));
        }
        assertThat(Functions.digamma(0.0)).isNaN();
        assertThat(Functions.digamma(-3.0)).isNaN();
    }

    @Test
    void diagonalHelpersDifferentiate() {
        Value m = diagMatrix(Value.constant(POINT));
        assertThat(m.shape()).containsExactly(3, 3);
        assertThat(m.toArray()).containsExactly(0.7, 0, 0, 0, -1.3, 0, 0, 0, 2.1);
        GradientCheck.check(
                x -> addDiag(diagMatrix(x).multiply(diagMatrix(x)), x)
                        .multiply(WEIGHTS)
                        .dot(WEIGHTS),
                POINT);
        GradientCheck.check(x -> addDiag(diagMatrix(x), x.get(2)).multiply(x).sum(), POINT);
        assertThatThrownBy(() -> addDiag(m, Value.constant(1.0, 2.0))).hasMessageContaining("3 values on its diagonal");
    }

    @Test
    void squaredExponentialCovarianceMatchesStansDefinitionAndDifferentiates() {
        double[] x = {0.0, 0.5, 2.0};
        Value k = gpExpQuadCov(x, Value.constant(1.5), Value.constant(0.8));
        assertThat(k.value(0 * 3 + 2)).isCloseTo(2.25 * Math.exp(-4.0 / (2 * 0.64)), within(1e-15));
        assertThat(k.value(1 * 3 + 1)).isEqualTo(2.25);
        double[][] points = {{0.0, 1.0}, {0.5, -1.0}, {2.0, 0.3}};
        Value k2 = gpExpQuadCov(points, Value.constant(1.5), Value.constant(0.8));
        assertThat(k2.value(1)).isCloseTo(2.25 * Math.exp(-(0.25 + 4.0) / (2 * 0.64)), within(1e-15));
        Value w = Value.constant(new double[][] {{1.0, 0.2, -0.5}, {0.3, 2.0, 0.1}, {-1.0, 0.4, 0.7}});
        GradientCheck.check(
                p -> gpExpQuadCov(points, p.get(0), p.get(1)).times(w).sum(), 1.5, 0.8);
    }

    // ---------------------------------------------------------------- linear algebra

    /** A symmetric positive-definite matrix of the nine entries of x: B Bᵀ + 3 I. */
    private static Value spd(Value x) {
        Value b = reshape(x, 3, 3);
        return addDiag(b.multiply(b.transpose()), 3.0);
    }

    private static final double[] ENTRIES = {0.9, -0.3, 0.4, 0.2, 1.1, -0.7, 0.5, 0.6, 1.3};
    private static final Value MATRIX_WEIGHTS =
            Value.constant(new double[][] {{1.0, 0.5, -2.0}, {0.3, -1.0, 0.4}, {0.8, 1.2, 0.6}});

    @Test
    void choleskyFactorsAndItsGradientMatchesFiniteDifferences() {
        Value a = spd(Value.constant(ENTRIES));
        Value l = cholesky(a);
        double[][] lower = new double[3][3];
        for (int i = 0; i < 3; i++) {
            for (int j = 0; j < 3; j++) {
                lower[i][j] = l.value(i * 3 + j);
                if (j > i) {
                    assertThat(lower[i][j]).isZero();
                }
            }
        }
        double[][] product = MatrixUtils.createRealMatrix(lower)
                .multiplyTransposed(MatrixUtils.createRealMatrix(lower))
                .getData();
        for (int i = 0; i < 3; i++) {
            for (int j = 0; j < 3; j++) {
                assertThat(product[i][j]).isCloseTo(a.value(i * 3 + j), within(1e-13));
            }
        }
        GradientCheck.check(x -> cholesky(spd(x)).times(MATRIX_WEIGHTS).sum(), ENTRIES);
        GradientCheck.check(x -> cholesky(spd(x)).multiply(WEIGHTS).square().sum(), ENTRIES);
        // A symmetric input: only its lower triangle is read, so the upper entries get no gradient.
        Tape tape = new Tape();
        Value input = tape.variable(new int[] {3, 3}, a.toArray());
        tape.backward(cholesky(input).times(MATRIX_WEIGHTS).sum());
        assertThat(input.gradient()[1]).isZero();
        assertThat(input.gradient()[3]).isNotZero();
    }

    @Test
    void aMatrixThatIsNotPositiveDefiniteGivesNaNsAndAnAsymmetricOneIsRefused() {
        Value indefinite = Value.constant(new double[][] {{1.0, 2.0}, {2.0, 1.0}});
        assertThat(cholesky(indefinite).toArray()).containsOnly(Double.NaN);
        assertThat(logDeterminantSpd(indefinite).doubleValue()).isNaN();
        assertThatThrownBy(() -> cholesky(Value.constant(new double[][] {{1.0, 0.5}, {0.4, 1.0}})))
                .hasMessage("cholesky: the matrix is not symmetric at (1, 0): 0.4 and 0.5");
        assertThatThrownBy(() -> cholesky(Value.constant(POINT))).hasMessageContaining("square matrix");
    }

    @Test
    void logDeterminantMatchesAnLuDecompositionAndDifferentiates() {
        Value a = spd(Value.constant(ENTRIES));
        double[][] rows = new double[3][3];
        for (int i = 0; i < 9; i++) {
            rows[i / 3][i % 3] = a.value(i);
        }
        double expected = Math.log(new LUDecomposition(MatrixUtils.createRealMatrix(rows)).getDeterminant());
        assertThat(logDeterminantSpd(a).doubleValue()).isCloseTo(expected, within(1e-13));
        GradientCheck.check(x -> logDeterminantSpd(spd(x)), ENTRIES);
    }

    @Test
    void triangularSolveInvertsTheFactorAndDifferentiates() {
        Value l = cholesky(spd(Value.constant(ENTRIES)));
        Value x = solveLowerTriangular(l, Value.constant(POINT));
        double[] back = l.multiply(x).toArray();
        for (int i = 0; i < 3; i++) {
            assertThat(back[i]).isCloseTo(POINT[i], within(1e-14));
        }
        GradientCheck.check(e -> solveLowerTriangular(cholesky(spd(e)), WEIGHTS).dot(WEIGHTS), ENTRIES);
        GradientCheck.check(b -> solveLowerTriangular(l, b).square().sum(), POINT);
        GradientCheck.check(
                b -> solveLowerTriangular(l, reshape(b, 3, 2)).times(b.get(0)).sum(), 0.3, -0.2, 1.0, 0.7, -1.1, 0.4);
    }

    /** The vector {@code v} viewed as a {@code [rows, cols]} matrix on its tape. */
    static Value reshape(Value v, int rows, int cols) {
        return Value.derive(
                new int[] {rows, cols},
                v.toArray(),
                g -> {
                    for (int i = 0; i < g.length; i++) {
                        v.adjoint()[i] += g[i];
                    }
                },
                v);
    }
}
