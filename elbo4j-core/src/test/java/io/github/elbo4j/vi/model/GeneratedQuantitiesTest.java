package io.github.elbo4j.vi.model;

import static io.github.elbo4j.testing.Samples.mean;
import static io.github.elbo4j.vi.density.Densities.normal;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.github.elbo4j.vi.GaussianVi;
import io.github.elbo4j.vi.VariationalPosterior;
import io.github.elbo4j.vi.ViConfig;
import io.github.elbo4j.vi.autodiff.Value;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Posterior predictive draws of a linear regression, from a fit of the Java model. */
class GeneratedQuantitiesTest {

    private static final int N = 40;

    @Test
    void posteriorPredictiveDrawsFollowTheFittedRegression() {
        SplittableRandom random = new SplittableRandom(5);
        double[] xs = new double[N];
        double[] ys = new double[N];
        for (int i = 0; i < N; i++) {
            xs[i] = random.nextDouble(-2, 2);
            ys[i] = 1.0 + 2.0 * xs[i] + 0.5 * random.nextGaussian();
        }
        Value x = Value.constant(xs);
        Value y = Value.constant(ys);
        double[] xNew = {-1.5, 0.0, 2.5};
        JavaModel model = JavaModel.of(m -> {
            Value alpha = m.real("alpha");
            Value beta = m.real("beta");
            Value sigma = m.positive("sigma");
            m.add(normal(alpha, 0, 10));
            m.add(normal(beta, 0, 10));
            m.add(normal(sigma, 0, 5));
            m.add(normal(y, x.times(beta).plus(alpha), sigma));
            m.generated("y_new", rng -> {
                double[] draw = new double[xNew.length];
                for (int i = 0; i < xNew.length; i++) {
                    draw[i] = alpha.doubleValue()
                            + beta.doubleValue() * xNew[i]
                            + sigma.doubleValue() * rng.nextGaussian();
                }
                return draw;
            });
            m.generated("slope", rng -> beta.toArray());
        });
        assertThat(model.generatedNames()).containsExactly("y_new", "slope");
        VariationalPosterior fit =
                GaussianVi.fit(model, ViConfig.builder().seed(3).build());
        Map<String, double[][]> generated = model.generatedQuantities(fit, 9);
        double[][] yNew = generated.get("y_new");
        double[][] alpha = fit.draws("alpha");
        double[][] beta = fit.draws("beta");
        double[][] sigma = fit.draws("sigma");
        assertThat(yNew).hasNumberOfRows(alpha.length);
        for (int s = 0; s < alpha.length; s++) {
            assertThat(generated.get("slope")[s]).containsExactly(beta[s][0]);
        }
        // Least squares, the posterior mean under these flat priors.
        double meanX = mean(xs);
        double meanY = mean(ys);
        double sxy = 0;
        double sxx = 0;
        for (int i = 0; i < N; i++) {
            sxy += (xs[i] - meanX) * (ys[i] - meanY);
            sxx += (xs[i] - meanX) * (xs[i] - meanX);
        }
        double slope = sxy / sxx;
        double intercept = meanY - slope * meanX;
        for (int i = 0; i < xNew.length; i++) {
            double[] column = new double[yNew.length];
            double expectedVariance = 0;
            double[] location = new double[yNew.length];
            for (int s = 0; s < yNew.length; s++) {
                column[s] = yNew[s][i];
                location[s] = alpha[s][0] + beta[s][0] * xNew[i];
                expectedVariance += sigma[s][0] * sigma[s][0] / yNew.length;
            }
            expectedVariance += variance(location);
            double sd = Math.sqrt(variance(column));
            assertThat(mean(column))
                    .as("predictive mean at x = %s", xNew[i])
                    .isCloseTo(intercept + slope * xNew[i], within(4 * sd / Math.sqrt(yNew.length) + 0.05));
            assertThat(sd)
                    .as("predictive sd at x = %s", xNew[i])
                    .isCloseTo(Math.sqrt(expectedVariance), within(0.1 * Math.sqrt(expectedVariance)));
        }
        assertThat(model.generatedQuantities(fit, 9).get("y_new")[7]).containsExactly(yNew[7]);
    }

    @Test
    void generatedNamesMustBeNew() {
        assertThatThrownBy(() -> JavaModel.of(m -> {
                    m.real("mu");
                    m.generated("mu", rng -> new double[1]);
                }))
                .hasMessageContaining("duplicate name 'mu'");
    }

    private static double variance(double[] values) {
        double m = mean(values);
        double total = 0;
        for (double v : values) {
            total += (v - m) * (v - m);
        }
        return total / (values.length - 1);
    }
}
