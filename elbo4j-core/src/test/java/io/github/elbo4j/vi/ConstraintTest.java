package io.github.elbo4j.vi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.github.elbo4j.vi.autodiff.GradientCheck;
import io.github.elbo4j.vi.autodiff.Value;
import io.github.elbo4j.vi.transform.Constrained;
import java.util.Arrays;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every constraint transform against two oracles: its log-Jacobian against log|det J| of central
 * finite differences of the transform (for the simplex and the Cholesky factor, of the map onto the
 * free coordinates), and the gradient of the transform plus its log-Jacobian against finite
 * differences ({@link GradientCheck}); then the inverse, the support and the errors.
 */
class ConstraintTest {

    static Stream<Arguments> transforms() {
        return Stream.of(
                Arguments.of(Constraint.real(), new double[] {-1.3, 0.2}),
                Arguments.of(Constraint.positive(), new double[] {-1.3, 0.2, 2.0}),
                Arguments.of(Constraint.lowerBounded(-4), new double[] {0.5, -2.0}),
                Arguments.of(Constraint.upperBounded(3), new double[] {0.5, -2.0}),
                Arguments.of(Constraint.interval(0, 1), new double[] {-3.0, 0.1, 4.0}),
                Arguments.of(Constraint.interval(-2, 5), new double[] {0.7, -1.1}),
                Arguments.of(Constraint.simplex(), new double[] {0.3, -1.2, 0.8}),
                Arguments.of(Constraint.simplex(), new double[] {2.5}),
                Arguments.of(Constraint.ordered(), new double[] {-1.0, 0.3, -0.4, 1.2}),
                Arguments.of(Constraint.positiveOrdered(), new double[] {-1.0, 0.3, -0.4}),
                Arguments.of(Constraint.choleskyFactorCorr(), new double[] {0.4}),
                Arguments.of(Constraint.choleskyFactorCorr(), new double[] {0.4, -0.9, 0.2, 1.1, -0.3, 0.6}));
    }

    /** The coordinates that T determines freely: all but the simplex's last, the factor's strict lower triangle. */
    static double[] freeCoordinates(Constraint constraint, double[] x) {
        if (constraint == Constraint.simplex()) {
            return Arrays.copyOf(x, x.length - 1);
        }
        if (constraint == Constraint.choleskyFactorCorr()) {
            int k = (int) Math.round(Math.sqrt(x.length));
            double[] lower = new double[k * (k - 1) / 2];
            int next = 0;
            for (int i = 0; i < k; i++) {
                for (int j = 0; j < i; j++) {
                    lower[next++] = x[i * k + j];
                }
            }
            return lower;
        }
        return x;
    }

    /** log|det ∂(free coordinates of x)/∂u| by central finite differences. */
    private static double finiteDifferenceLogDet(Constraint constraint, double[] u) {
        int k = u.length;
        double h = 1e-6;
        double[][] jacobian = new double[k][k];
        for (int j = 0; j < k; j++) {
            double[] plus = u.clone();
            double[] minus = u.clone();
            plus[j] += h;
            minus[j] -= h;
            double[] up = freeCoordinates(constraint, constraint.toConstrained(plus));
            double[] down = freeCoordinates(constraint, constraint.toConstrained(minus));
            for (int i = 0; i < k; i++) {
                jacobian[i][j] = (up[i] - down[i]) / (2 * h);
            }
        }
        return Math.log(Math.abs(determinant(jacobian)));
    }

    static double determinant(double[][] a) {
        int n = a.length;
        double[][] lu = new double[n][];
        for (int i = 0; i < n; i++) {
            lu[i] = a[i].clone();
        }
        double det = 1;
        for (int c = 0; c < n; c++) {
            int pivot = c;
            for (int r = c + 1; r < n; r++) {
                if (Math.abs(lu[r][c]) > Math.abs(lu[pivot][c])) {
                    pivot = r;
                }
            }
            if (pivot != c) {
                double[] t = lu[c];
                lu[c] = lu[pivot];
                lu[pivot] = t;
                det = -det;
            }
            det *= lu[c][c];
            for (int r = c + 1; r < n; r++) {
                double f = lu[r][c] / lu[c][c];
                for (int k = c; k < n; k++) {
                    lu[r][k] -= f * lu[c][k];
                }
            }
        }
        return det;
    }

    @ParameterizedTest
    @MethodSource("transforms")
    void logJacobianMatchesFiniteDifferences(Constraint constraint, double[] u) {
        double analytic = constraint.transform(Value.constant(u)).logJacobian().doubleValue();
        assertThat(analytic).isCloseTo(finiteDifferenceLogDet(constraint, u), within(1e-6));
    }

    @ParameterizedTest
    @MethodSource("transforms")
    void transformAndLogJacobianHaveTheirGradients(Constraint constraint, double[] u) {
        int size = constraint.toConstrained(u).length;
        double[] weights = new double[size];
        for (int i = 0; i < size; i++) {
            weights[i] = 0.3 + 0.7 * Math.sin(i + 1.0);
        }
        Value w = Value.constant(weights);
        GradientCheck.check(
                v -> {
                    Constrained x = constraint.transform(v);
                    return x.value().dot(w).plus(x.logJacobian());
                },
                u);
    }

    @ParameterizedTest
    @MethodSource("transforms")
    void inverseRecoversUnconstrainedValues(Constraint constraint, double[] u) {
        double[] back = constraint.toUnconstrained(constraint.toConstrained(u));
        assertThat(back).hasSize(u.length);
        for (int i = 0; i < u.length; i++) {
            assertThat(back[i]).isCloseTo(u[i], within(1e-9));
        }
    }

    @Test
    void constrainedValuesLieInTheSupport() {
        double[] simplex = Constraint.simplex().toConstrained(new double[] {5.0, -7.0, 0.0});
        assertThat(simplex).hasSize(4);
        assertThat(Arrays.stream(simplex).min().orElseThrow()).isPositive();
        assertThat(simplex[0] + simplex[1] + simplex[2] + simplex[3]).isCloseTo(1.0, within(1e-12));
        for (double v : Constraint.simplex().toConstrained(new double[] {0, 0, 0})) {
            assertThat(v).isCloseTo(0.25, within(1e-15));
        }
        double[] ordered = Constraint.ordered().toConstrained(new double[] {1.0, -30.0, 2.0});
        assertThat(ordered[1]).isGreaterThan(ordered[0]);
        assertThat(ordered[2]).isGreaterThan(ordered[1]);
        double[] positiveOrdered = Constraint.positiveOrdered().toConstrained(new double[] {-3.0, -30.0, 2.0});
        assertThat(positiveOrdered[0]).isPositive();
        assertThat(positiveOrdered[1]).isGreaterThan(positiveOrdered[0]);
        double[] probability = Constraint.interval(0, 1).toConstrained(new double[] {-800, 800});
        assertThat(probability[0]).isGreaterThanOrEqualTo(0.0);
        assertThat(probability[1]).isLessThanOrEqualTo(1.0);
        assertThat(Constraint.choleskyFactorCorr()
                        .transform(Value.constant(40.0))
                        .logJacobian()
                        .doubleValue())
                .as("log sech²(40), where 1 − tanh²(40) rounds to 0")
                .isCloseTo(2 * Math.log(2) - 80, within(1e-9));
        double[] factor = Constraint.choleskyFactorCorr().toConstrained(new double[] {2.0, -1.0, 0.5});
        assertThat(factor).hasSize(9);
        for (int i = 0; i < 3; i++) {
            double rowLength = 0;
            for (int j = 0; j < 3; j++) {
                rowLength += factor[i * 3 + j] * factor[i * 3 + j];
                if (j > i) {
                    assertThat(factor[i * 3 + j]).isZero();
                }
            }
            assertThat(rowLength).as("row %d of L L^T's diagonal", i).isCloseTo(1.0, within(1e-12));
            assertThat(factor[i * 3 + i]).isPositive();
        }
    }

    @Test
    void rejectsValuesOutsideTheSupportAndBadBounds() {
        assertThatThrownBy(() -> Constraint.positive().toUnconstrained(new double[] {-1}))
                .hasMessageContaining("not above the lower bound 0.0");
        assertThatThrownBy(() -> Constraint.interval(1, 1)).hasMessageContaining("lower < upper");
        assertThatThrownBy(() -> Constraint.lowerBounded(Double.NEGATIVE_INFINITY))
                .hasMessageContaining("must be finite");
        assertThatThrownBy(() -> new ParameterBlock("p", new int[] {1}, Constraint.simplex()))
                .hasMessageContaining("at least 2 components");
        assertThatThrownBy(() -> Constraint.ordered().toUnconstrained(new double[] {1, 1}))
                .hasMessageContaining("must increase");
        assertThatThrownBy(() -> new ParameterBlock("L", new int[] {2, 3}, Constraint.choleskyFactorCorr()))
                .hasMessageContaining("square");
        assertThatThrownBy(() -> Constraint.varyingBounds(true, false).toConstrained(new double[] {1}))
                .hasMessageContaining("Model.constrain");
    }
}
