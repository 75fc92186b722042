package io.github.elbo4j.vi.glm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.github.elbo4j.vi.GaussianExpectation;
import io.github.elbo4j.vi.SubsampledModel;
import io.github.elbo4j.vi.UnconstrainedDensity;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The regression's expected log joint under N(m, L Lᵀ): its gradient in m and L against central
 * finite differences of its value, and its value against a Monte Carlo average of the density the
 * stochastic fit uses ({@link GeneralizedLinearModel#unconstrainedDensity()}), for a diagonal L (the
 * mean-field guide) and a full one, with and without an intercept, and non-normal priors; and the
 * same over the coordinates of each {@link Preconditioning} ({@link PreconditionedGlm}), whose
 * expectation must be that of its pulled-back density, the constant log|det A| included.
 */
class GlmGaussianExpectationTest {

    private static final double H = 1e-6;

    private static GeneralizedLinearModel model(GlmFamily family, boolean intercept, int n, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        double[][] x = new double[n][2];
        double[] y = new double[n];
        for (int i = 0; i < n; i++) {
            x[i][0] = random.nextGaussian();
            x[i][1] = 0.5 * random.nextGaussian() + 0.3;
            double eta = 0.2 + 0.8 * x[i][0] - 0.5 * x[i][1];
            y[i] = family == GlmFamily.POISSON
                    ? Math.floor(Math.exp(eta) + random.nextDouble())
                    : random.nextDouble() < 1 / (1 + Math.exp(-eta)) ? 1 : 0;
        }
        return GeneralizedLinearModel.of(
                family,
                List.of("x1", "x2"),
                x,
                y,
                intercept,
                Map.of("x1", new RegressionPrior.Cauchy(0, 2.5), "x2", new RegressionPrior.StudentT(3, 0.5, 1)));
    }

    /** m and a lower-triangular L away from any special point; diagonal only if asked. */
    private static double[][] meanAndScale(int d, boolean diagonal, double spread, SplittableRandom random) {
        double[] mean = new double[d];
        double[] tril = new double[d * d];
        for (int i = 0; i < d; i++) {
            mean[i] = 0.4 * random.nextGaussian();
            tril[i * d + i] = spread * (0.5 + random.nextDouble());
            for (int j = 0; j < i && !diagonal; j++) {
                tril[i * d + j] = 0.5 * spread * random.nextGaussian();
            }
        }
        return new double[][] {mean, tril};
    }

    /** The model over the coordinates of a preconditioning (the model itself for NONE). */
    private static SubsampledModel over(GeneralizedLinearModel model, Preconditioning preconditioning) {
        return preconditioning == Preconditioning.NONE
                ? model
                : new PreconditionedGlm(model, model.preconditioner(preconditioning));
    }

    @ParameterizedTest
    @CsvSource({
        "LOGISTIC, true, true, NONE",
        "LOGISTIC, true, false, NONE",
        "LOGISTIC, false, false, NONE",
        "POISSON, true, true, NONE",
        "POISSON, true, false, NONE",
        "LOGISTIC, true, false, QR",
        "LOGISTIC, false, true, STANDARDIZE",
        "POISSON, true, false, QR",
        "POISSON, true, true, STANDARDIZE"
    })
    void gradientMatchesFiniteDifferences(
            GlmFamily family, boolean intercept, boolean diagonal, Preconditioning preconditioning) {
        GaussianExpectation expectation = over(model(family, intercept, 40, 3), preconditioning)
                .gaussianExpectation()
                .orElseThrow();
        int d = intercept ? 3 : 2;
        double[][] at = meanAndScale(d, diagonal, 0.6, new SplittableRandom(11));
        double[] mean = at[0];
        double[] tril = at[1];
        double[] meanGradient = new double[d];
        double[] trilGradient = new double[d * d];
        expectation.evaluate(mean, tril, meanGradient, trilGradient);

        for (int j = 0; j < d; j++) {
            double numeric = difference(expectation, mean, tril, j, -1);
            assertThat(meanGradient[j]).as("dE/dm_%d", j).isCloseTo(numeric, within(1e-6 * (1 + Math.abs(numeric))));
        }
        for (int i = 0; i < d; i++) {
            for (int j = 0; j < d; j++) {
                if (j > i) {
                    assertThat(trilGradient[i * d + j]).as("above the diagonal").isZero();
                    continue;
                }
                double numeric = difference(expectation, mean, tril, -1, i * d + j);
                assertThat(trilGradient[i * d + j])
                        .as("dE/dL_%d%d", i, j)
                        .isCloseTo(numeric, within(1e-6 * (1 + Math.abs(numeric))));
            }
        }
    }

    /** Central difference in m_j (j ≥ 0) or in the entry {@code entry} of L. */
    private static double difference(GaussianExpectation expectation, double[] mean, double[] tril, int j, int entry) {
        double[] value = new double[2];
        for (int side = 0; side < 2; side++) {
            double[] m = mean.clone();
            double[] l = tril.clone();
            double shift = side == 0 ? H : -H;
            if (j >= 0) {
                m[j] += shift;
            } else {
                l[entry] += shift;
            }
            value[side] = expectation.evaluate(m, l, new double[m.length], new double[l.length]);
        }
        return (value[0] - value[1]) / (2 * H);
    }

    /** E against the average of f over 200,000 draws z = m + L ε: within 4 standard errors. */
    @ParameterizedTest
    @CsvSource({
        "LOGISTIC, true, NONE",
        "LOGISTIC, false, NONE",
        "POISSON, false, NONE",
        "LOGISTIC, false, QR",
        "POISSON, true, QR",
        "POISSON, false, STANDARDIZE"
    })
    void valueIsTheExpectationOfTheStochasticFitsDensity(
            GlmFamily family, boolean diagonal, Preconditioning preconditioning) {
        SubsampledModel model = over(model(family, true, 40, 5), preconditioning);
        int d = 3;
        double[][] at = meanAndScale(d, diagonal, 0.3, new SplittableRandom(13));
        double exact =
                model.gaussianExpectation().orElseThrow().evaluate(at[0], at[1], new double[d], new double[d * d]);

        int batch = 10_000;
        int batches = 20;
        SplittableRandom random = new SplittableRandom(17);
        double sum = 0;
        double squares = 0;
        try (UnconstrainedDensity density = model.unconstrainedDensity()) {
            double[] z = new double[batch * d];
            double[] values = new double[batch];
            for (int b = 0; b < batches; b++) {
                for (int s = 0; s < batch; s++) {
                    double[] eps = {random.nextGaussian(), random.nextGaussian(), random.nextGaussian()};
                    for (int i = 0; i < d; i++) {
                        double v = at[0][i];
                        for (int k = 0; k <= i; k++) {
                            v += at[1][i * d + k] * eps[k];
                        }
                        z[s * d + i] = v;
                    }
                }
                density.evaluate(z, batch, null, values, null);
                for (double v : values) {
                    sum += v;
                    squares += v * v;
                }
            }
        }
        int count = batch * batches;
        double average = sum / count;
        double standardError = Math.sqrt((squares / count - average * average) / count);
        assertThat(exact).isCloseTo(average, within(4 * standardError));
        // Power: a forgotten constant such as log|det A| (0.7 nats or more for these data) shows.
        assertThat(standardError).as("a test with power").isLessThan(0.1);
    }

    @Test
    void theLinearModelOffersNone() {
        assertThat(model(GlmFamily.LINEAR, true, 10, 1).gaussianExpectation()).isEmpty();
        assertThat(model(GlmFamily.LOGISTIC, true, 10, 1)
                        .gaussianExpectation()
                        .orElseThrow()
                        .method())
                .isEqualTo("Gauss-Hermite, 16 nodes");
    }
}
