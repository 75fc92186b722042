package io.github.elbo4j.vi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

import java.util.stream.Stream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

class ConstraintTest {

    static Stream<Arguments> transforms() {
        return Stream.of(
                Arguments.of(Constraint.positive(), new double[] {-1.3, 0.2, 2.0}),
                Arguments.of(Constraint.lowerBounded(-4), new double[] {0.5, -2.0}),
                Arguments.of(Constraint.upperBounded(3), new double[] {0.5, -2.0}),
                Arguments.of(Constraint.interval(0, 1), new double[] {-3.0, 0.1, 4.0}),
                Arguments.of(Constraint.interval(-2, 5), new double[] {0.7, -1.1}),
                Arguments.of(Constraint.simplex(), new double[] {0.3, -1.2, 0.8}),
                Arguments.of(Constraint.ordered(), new double[] {-1.0, 0.3, -0.4, 1.2}));
    }

    /** log|det J| by central finite differences of T, on the first dim(u) outputs for the simplex. */
    private static double finiteDifferenceLogDet(Constraint constraint, double[] u, NDManager m) {
        int k = u.length;
        double h = 1e-6;
        double[][] jacobian = new double[k][k];
        for (int j = 0; j < k; j++) {
            double[] plus = u.clone();
            double[] minus = u.clone();
            plus[j] += h;
            minus[j] -= h;
            double[] up = forward(constraint, plus, m);
            double[] down = forward(constraint, minus, m);
            for (int i = 0; i < k; i++) {
                jacobian[i][j] = (up[i] - down[i]) / (2 * h);
            }
        }
        return Math.log(Math.abs(determinant(jacobian)));
    }

    private static double[] forward(Constraint constraint, double[] u, NDManager m) {
        return constraint.toConstrained(m.create(u, new Shape(1, u.length))).toDoubleArray();
    }

    private static double determinant(double[][] a) {
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
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray batch = m.create(u, new Shape(1, u.length));
            double analytic = constraint.logAbsDetJacobian(batch).toDoubleArray()[0];
            assertThat(analytic).isCloseTo(finiteDifferenceLogDet(constraint, u, m), within(1e-6));
        }
    }

    @ParameterizedTest
    @MethodSource("transforms")
    void inverseRecoversUnconstrainedValues(Constraint constraint, double[] u) {
        try (NDManager m = NDManager.newBaseManager()) {
            double[] x = forward(constraint, u, m);
            double[] back = constraint.toUnconstrained(x);
            for (int i = 0; i < u.length; i++) {
                assertThat(back[i]).isCloseTo(u[i], within(1e-9));
            }
        }
    }

    @Test
    void constrainedValuesLieInTheSupport() {
        try (NDManager m = NDManager.newBaseManager()) {
            double[] simplex = forward(Constraint.simplex(), new double[] {5.0, -7.0, 0.0}, m);
            assertThat(simplex).hasSize(4);
            assertThat(java.util.Arrays.stream(simplex).min().orElseThrow()).isPositive();
            assertThat(simplex[0] + simplex[1] + simplex[2] + simplex[3]).isCloseTo(1.0, within(1e-12));
            double[] atZero = forward(Constraint.simplex(), new double[] {0, 0, 0}, m);
            for (double v : atZero) {
                assertThat(v).isCloseTo(0.25, within(1e-15));
            }
            double[] ordered = forward(Constraint.ordered(), new double[] {1.0, -30.0, 2.0}, m);
            assertThat(ordered[1]).isGreaterThan(ordered[0]);
            assertThat(ordered[2]).isGreaterThan(ordered[1]);
            double[] probability = forward(Constraint.interval(0, 1), new double[] {-800, 800}, m);
            assertThat(probability[0]).isGreaterThanOrEqualTo(0.0);
            assertThat(probability[1]).isLessThanOrEqualTo(1.0);
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
    }
}
