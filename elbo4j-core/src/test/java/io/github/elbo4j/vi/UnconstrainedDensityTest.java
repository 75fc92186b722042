package io.github.elbo4j.vi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import io.github.elbo4j.vi.glm.GeneralizedLinearModel;
import io.github.elbo4j.vi.glm.GlmFamily;
import io.github.elbo4j.vi.glm.RegressionPrior;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The model boundary: the DJL adapter's autograd gradient (through every constraint transform)
 * against finite differences, and the regression's closed-form density against the same model
 * evaluated by the DJL adapter from its tensor log joint, for every family, several priors, the
 * full data and a minibatch.
 */
class UnconstrainedDensityTest {

    private static final double H = 1e-6;

    private static double[] randomPoints(int count, int d, SplittableRandom random) {
        double[] z = new double[count * d];
        for (int i = 0; i < z.length; i++) {
            z[i] = 0.7 * random.nextGaussian();
        }
        return z;
    }

    private static void assertGradientMatchesFiniteDifferences(
            UnconstrainedDensity density, double[] z, int count, int d, int[] records) {
        double[] values = new double[count];
        double[] gradient = new double[count * d];
        density.evaluate(z, count, records, values, gradient);
        double[] plus = new double[count];
        double[] minus = new double[count];
        for (int k = 0; k < d; k++) {
            double[] up = z.clone();
            double[] down = z.clone();
            for (int s = 0; s < count; s++) {
                up[s * d + k] += H;
                down[s * d + k] -= H;
            }
            density.evaluate(up, count, records, plus, null);
            density.evaluate(down, count, records, minus, null);
            for (int s = 0; s < count; s++) {
                double numeric = (plus[s] - minus[s]) / (2 * H);
                assertThat(gradient[s * d + k])
                        .as("point %d, coordinate %d", s, k)
                        .isCloseTo(numeric, within(1e-5 * (1 + Math.abs(numeric))));
            }
        }
    }

    @Test
    void djlAdapterDifferentiatesThroughEveryConstraint() {
        Model model = Model.builder()
                .real("a", 2)
                .positive("tau")
                .bounded("p", 0, 1)
                .block(new ParameterBlock("w", new int[] {3}, Constraint.simplex()))
                .block(new ParameterBlock("cut", new int[] {3}, Constraint.ordered()))
                .block(new ParameterBlock("rates", new int[] {2}, Constraint.positiveOrdered()))
                .block(new ParameterBlock("L", new int[] {3, 3}, Constraint.choleskyFactorCorr()))
                .logJoint(v -> {
                    NDArray a = v.get("a");
                    NDArray terms = a.square()
                            .neg()
                            .sum(new int[] {1})
                            .add(v.get("tau").log().mul(v.get("p")).sum(new int[] {1}))
                            .add(v.get("w").log().mul(a.get(":, 0:1")).sum(new int[] {1}))
                            .add(v.get("cut").sin().sum(new int[] {1}))
                            .add(v.get("rates").log().sum(new int[] {1}).neg())
                            .add(v.get("L").get(":, 2, :").mul(v.get("cut")).sum(new int[] {1}));
                    return terms;
                })
                .build();
        int d = new ParameterSpace(model.blocks()).dimension();
        try (UnconstrainedDensity density = model.unconstrainedDensity()) {
            assertThat(density.engine()).startsWith("PyTorch");
            assertGradientMatchesFiniteDifferences(density, randomPoints(4, d, new SplittableRandom(3)), 4, d, null);
        }
    }

    private static GeneralizedLinearModel regression(GlmFamily family, Map<String, RegressionPrior> priors) {
        SplittableRandom random = new SplittableRandom(family.ordinal() + 21);
        int n = 60;
        double[][] x = new double[n][3];
        double[] y = new double[n];
        for (int i = 0; i < n; i++) {
            double eta = 0.3;
            for (int j = 0; j < 3; j++) {
                x[i][j] = random.nextGaussian();
                eta += (0.5 - 0.4 * j) * x[i][j];
            }
            y[i] = switch (family) {
                case LINEAR -> eta + random.nextGaussian();
                case LOGISTIC -> random.nextDouble() < 1 / (1 + Math.exp(-eta)) ? 1 : 0;
                case POISSON -> Math.min(12, Math.floor(Math.exp(eta) * 2 * random.nextDouble()));
            };
        }
        return GeneralizedLinearModel.of(family, List.of("x1", "x2", "x3"), x, y, true, priors);
    }

    @ParameterizedTest
    @EnumSource(GlmFamily.class)
    void regressionClosedFormAgreesWithTheTensorModelAndFiniteDifferences(GlmFamily family) {
        Map<String, RegressionPrior> priors = family == GlmFamily.LINEAR
                ? Map.of(
                        "x1",
                        new RegressionPrior.Cauchy(0.5, 2),
                        "x2",
                        new RegressionPrior.StudentT(3, -1, 1.5),
                        "sigma",
                        new RegressionPrior.StudentT(4, 0, 2))
                : Map.of("x1", new RegressionPrior.Cauchy(0.5, 2), "x2", new RegressionPrior.StudentT(3, -1, 1.5));
        GeneralizedLinearModel model = regression(family, priors);
        int d = model.blocks().size();
        int count = 3;
        double[] z = randomPoints(count, d, new SplittableRandom(4));
        int[] minibatch = {5, 17, 17, 42, 0, 59};
        try (UnconstrainedDensity closedForm = model.unconstrainedDensity();
                UnconstrainedDensity tensor = new DjlDensity(model)) {
            assertThat(closedForm.engine()).isEqualTo("Java");
            for (int[] records : new int[][] {null, minibatch}) {
                double[] expected = new double[count];
                double[] expectedGradient = new double[count * d];
                tensor.evaluate(z, count, records, expected, expectedGradient);
                double[] actual = new double[count];
                double[] actualGradient = new double[count * d];
                closedForm.evaluate(z, count, records, actual, actualGradient);
                for (int s = 0; s < count; s++) {
                    assertThat(actual[s]).isCloseTo(expected[s], within(1e-9 * (1 + Math.abs(expected[s]))));
                }
                for (int k = 0; k < count * d; k++) {
                    assertThat(actualGradient[k])
                            .as("gradient %d", k)
                            .isCloseTo(expectedGradient[k], within(1e-9 * (1 + Math.abs(expectedGradient[k]))));
                }
                assertGradientMatchesFiniteDifferences(closedForm, z, count, d, records);
            }
        }
    }

    @Test
    void linearSufficientStatisticsKeepPrecisionForAResponseWithALargeMean() {
        // Near the truth the residual sum of squares is about n while Σ y² is about n · 10¹²: the
        // raw-moment formula would lose ~12 digits; the centred one must match a direct sum.
        SplittableRandom random = new SplittableRandom(8);
        int n = 60;
        double[][] x = new double[n][1];
        double[] y = new double[n];
        for (int i = 0; i < n; i++) {
            x[i][0] = random.nextGaussian();
            y[i] = 1e6 + 0.5 * x[i][0] + random.nextGaussian();
        }
        GeneralizedLinearModel model = GeneralizedLinearModel.of(
                GlmFamily.LINEAR, List.of("x1"), x, y, true, Map.of("intercept", new RegressionPrior.Normal(0, 1e7)));
        double[] z = {1e6 + 0.01, 0.45, 0.05};
        double[] expected = new double[1];
        double[] expectedGradient = new double[3];
        double[] actual = new double[1];
        double[] actualGradient = new double[3];
        try (UnconstrainedDensity closedForm = model.unconstrainedDensity();
                UnconstrainedDensity tensor = new DjlDensity(model)) {
            tensor.evaluate(z, 1, null, expected, expectedGradient);
            closedForm.evaluate(z, 1, null, actual, actualGradient);
        }
        assertThat(actual[0]).isCloseTo(expected[0], within(1e-9 * Math.abs(expected[0])));
        for (int k = 0; k < 3; k++) {
            assertThat(actualGradient[k])
                    .as("gradient %d", k)
                    .isCloseTo(expectedGradient[k], within(1e-7 * (1 + Math.abs(expectedGradient[k]))));
        }
    }
}
