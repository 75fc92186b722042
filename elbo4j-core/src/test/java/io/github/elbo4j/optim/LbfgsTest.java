package io.github.elbo4j.optim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class LbfgsTest {

    private static final Lbfgs.Listener QUIET = (iteration, value, step) -> {};

    /**
     * f(x) = ½ xᵀA x − bᵀx with A tridiagonal (diagonal 1…n², off-diagonal 0.5): condition number
     * in the hundreds; the minimiser solves A x = b.
     */
    @Test
    void minimisesAnIllConditionedQuadratic() {
        int n = 20;
        double[] b = new double[n];
        for (int i = 0; i < n; i++) {
            b[i] = Math.sin(i + 1.0);
        }
        Lbfgs.Objective f = (x, gradient) -> {
            double value = 0;
            for (int i = 0; i < n; i++) {
                double ax =
                        (i + 1.0) * (i + 1.0) * x[i] + (i > 0 ? 0.5 * x[i - 1] : 0) + (i + 1 < n ? 0.5 * x[i + 1] : 0);
                gradient[i] = ax - b[i];
                value += 0.5 * x[i] * ax - b[i] * x[i];
            }
            return value;
        };
        Lbfgs.Result result = new Lbfgs(10, 500, 1e-12, 0).minimize(f, new double[n], QUIET);

        assertThat(result.converged()).isTrue();
        assertThat(result.iterations()).isLessThan(100);
        // The solution of A x = b by the Thomas algorithm. Near the minimum, f changes by less than
        // its own rounding long before the gradient vanishes, which bounds the attainable accuracy.
        double[] diagonal = new double[n];
        double[] rhs = b.clone();
        for (int i = 0; i < n; i++) {
            diagonal[i] = (i + 1.0) * (i + 1.0);
        }
        for (int i = 1; i < n; i++) {
            double factor = 0.5 / diagonal[i - 1];
            diagonal[i] -= factor * 0.5;
            rhs[i] -= factor * rhs[i - 1];
        }
        double[] solution = new double[n];
        for (int i = n - 1; i >= 0; i--) {
            solution[i] = (rhs[i] - (i + 1 < n ? 0.5 * solution[i + 1] : 0)) / diagonal[i];
        }
        for (int i = 0; i < n; i++) {
            assertThat(result.x()[i]).as("x_%d", i).isCloseTo(solution[i], within(1e-8));
        }
    }

    /** Rosenbrock's banana from (−1.2, 1): a curved valley that defeats steepest descent. */
    @Test
    void findsTheMinimumOfRosenbrocksFunction() {
        List<Double> values = new ArrayList<>();
        Lbfgs.Result result = new Lbfgs(5, 1000, 1e-10, 0)
                .minimize(LbfgsTest::rosenbrock, new double[] {-1.2, 1}, (iteration, value, step) -> values.add(value));

        assertThat(result.converged()).isTrue();
        assertThat(result.x()[0]).isCloseTo(1.0, within(1e-8));
        assertThat(result.x()[1]).isCloseTo(1.0, within(1e-8));
        assertThat(result.value()).isCloseTo(0.0, within(1e-15));
        assertThat(result.iterations()).isLessThan(100).isEqualTo(values.size());
        for (int i = 1; i < values.size(); i++) {
            assertThat(values.get(i))
                    .as("the line search only accepts decreases")
                    .isLessThan(values.get(i - 1));
        }
    }

    /** The extended Rosenbrock function in 10 dimensions, from (−1.2, 1, −1.2, 1, …). */
    @Test
    void findsTheMinimumOfTheExtendedRosenbrockFunction() {
        double[] start = new double[10];
        for (int i = 0; i < 10; i += 2) {
            start[i] = -1.2;
            start[i + 1] = 1;
        }
        Lbfgs.Result result = new Lbfgs(10, 2000, 1e-9, 0)
                .minimize(
                        (x, gradient) -> {
                            double value = 0;
                            java.util.Arrays.fill(gradient, 0.0);
                            double[] pair = new double[2];
                            double[] pairGradient = new double[2];
                            for (int i = 0; i < x.length; i += 2) {
                                pair[0] = x[i];
                                pair[1] = x[i + 1];
                                value += rosenbrock(pair, pairGradient);
                                gradient[i] = pairGradient[0];
                                gradient[i + 1] = pairGradient[1];
                            }
                            return value;
                        },
                        start,
                        QUIET);

        assertThat(result.converged()).isTrue();
        for (double v : result.x()) {
            assertThat(v).isCloseTo(1.0, within(1e-7));
        }
    }

    /** f(x) = x − log x is undefined for x ≤ 0: steps that leave the domain are shortened. */
    @Test
    void stepsIntoWhereTheObjectiveIsNotFiniteAreShortened() {
        Lbfgs.Result result = new Lbfgs(5, 100, 1e-12, 0)
                .minimize(
                        (x, gradient) -> {
                            gradient[0] = 1 - 1 / x[0];
                            return x[0] - Math.log(x[0]);
                        },
                        new double[] {0.01},
                        QUIET);

        assertThat(result.converged()).isTrue();
        assertThat(result.x()[0]).isCloseTo(1.0, within(1e-10));
    }

    @Test
    void stopsOnTheRelativeTolerance() {
        Lbfgs.Result loose = new Lbfgs(5, 1000, 0, 1e-3).minimize(LbfgsTest::rosenbrock, new double[] {-1.2, 1}, QUIET);
        Lbfgs.Result tight =
                new Lbfgs(5, 1000, 0, 1e-14).minimize(LbfgsTest::rosenbrock, new double[] {-1.2, 1}, QUIET);
        assertThat(loose.converged()).isTrue();
        assertThat(loose.iterations()).isLessThan(tight.iterations());
        assertThat(tight.value()).isLessThan(1e-14);
    }

    @Test
    void reportsWhyItStoppedAndEveryIterate() {
        List<double[]> iterates = new ArrayList<>();
        Lbfgs.Listener recorder = new Lbfgs.Listener() {
            @Override
            public void onIteration(int iteration, double value, double step) {}

            @Override
            public void onIterate(double[] x, double[] gradient, double value) {
                iterates.add(x.clone());
            }
        };
        Lbfgs.Result capped =
                new Lbfgs(5, 3, 1e-12, 0).minimize(LbfgsTest::rosenbrock, new double[] {-1.2, 1}, recorder);
        assertThat(capped.termination()).isEqualTo(Lbfgs.Termination.ITERATION_CAP);
        assertThat(capped.converged()).isFalse();
        assertThat(iterates).hasSize(3);
        assertThat(iterates.get(2)).containsExactly(capped.x());

        Lbfgs.Result done = new Lbfgs(5, 1000, 1e-10, 0).minimize(LbfgsTest::rosenbrock, new double[] {-1.2, 1}, QUIET);
        assertThat(done.termination()).isEqualTo(Lbfgs.Termination.GRADIENT);
        assertThat(done.gradientMaxAbs()).isLessThanOrEqualTo(1e-10);
    }

    /** f decreases without bound (an improper posterior's −log density): never reported as converged. */
    @Test
    void anUnboundedObjectiveIsNotConverged() {
        Lbfgs.Result result = new Lbfgs(5, 200, 1e-8, 0)
                .minimize(
                        (x, gradient) -> {
                            gradient[0] = -1;
                            return -x[0];
                        },
                        new double[] {0},
                        QUIET);
        assertThat(result.converged()).isFalse();
    }

    @Test
    void aNonFiniteStartIsRejected() {
        Lbfgs lbfgs = new Lbfgs(5, 10, 1e-6, 0);
        assertThatThrownBy(() -> lbfgs.minimize((x, gradient) -> Double.NaN, new double[1], QUIET))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("starting point");
    }

    private static double rosenbrock(double[] x, double[] gradient) {
        double a = 1 - x[0];
        double b = x[1] - x[0] * x[0];
        gradient[0] = -2 * a - 400 * x[0] * b;
        gradient[1] = 200 * b;
        return a * a + 100 * b * b;
    }
}
