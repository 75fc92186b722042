package io.github.elbo4j.vi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import io.github.elbo4j.math.SpecialFunctions;
import java.util.function.DoubleUnaryOperator;
import org.junit.jupiter.api.Test;

/**
 * Acceptance criterion 3: a positive scale and a bounded probability, fitted in the unconstrained
 * space, match the exact posterior moments on the constrained scale, computed independently by
 * numerical integration of the unnormalised posterior on a fine grid.
 *
 * <p>k̂ is not asserted here: both posteriors have exponential tails in the unconstrained space,
 * heavier than q's Gaussian ones, so the importance weights have infinite variance and k̂ rightly
 * reads unreliable even though the moments are accurate.
 */
class ConstrainedFitTest {

    /** Posterior mean and sd of a 1-D density given up to a constant, by the trapezoidal rule. */
    private static double[] moments(DoubleUnaryOperator logDensity, double from, double to) {
        int n = 200_000;
        double h = (to - from) / n;
        double max = Double.NEGATIVE_INFINITY;
        double[] logs = new double[n + 1];
        for (int i = 0; i <= n; i++) {
            logs[i] = logDensity.applyAsDouble(from + i * h);
            max = Math.max(max, logs[i]);
        }
        double z = 0;
        double m1 = 0;
        double m2 = 0;
        for (int i = 0; i <= n; i++) {
            double x = from + i * h;
            double w = Math.exp(logs[i] - max) * (i == 0 || i == n ? 0.5 : 1.0);
            z += w;
            m1 += w * x;
            m2 += w * x * x;
        }
        double mean = m1 / z;
        return new double[] {mean, Math.sqrt(m2 / z - mean * mean)};
    }

    @Test
    void recoversAPositiveScale() {
        // y_i ~ N(0, σ²), σ ~ exponential(1): the posterior of log σ is close to Gaussian with n = 60.
        double[] y = new double[60];
        java.util.SplittableRandom random = new java.util.SplittableRandom(4);
        double sumSquares = 0;
        for (int i = 0; i < y.length; i++) {
            y[i] = 1.7 * random.nextGaussian();
            sumSquares += y[i] * y[i];
        }
        double ss = sumSquares;
        Model model = Model.builder()
                .positive("sigma")
                .data(DataArray.vector("y", y))
                .logJoint(p -> {
                    NDArray sigma = p.get("sigma");
                    NDArray z = p.data("y").div(sigma);
                    NDArray likelihood = z.square()
                            .mul(SpecialFunctions.scalar(z, -0.5))
                            .sum(new int[] {1})
                            .sub(sigma.log().sum(new int[] {1}).mul(SpecialFunctions.scalar(sigma, y.length)));
                    return likelihood.sub(sigma.sum(new int[] {1}));
                })
                .build();
        double[] exact = moments(s -> -0.5 * ss / (s * s) - y.length * Math.log(s) - s, 1e-3, 6.0);

        VariationalPosterior fit =
                GaussianVi.fit(model, ViConfig.builder().numDraws(4000).seed(2).build());

        ParameterSummary sigma = fit.summary("sigma").get(0);
        assertThat(sigma.mean()).isCloseTo(exact[0], within(0.01 * exact[0]));
        assertThat(sigma.sd()).isCloseTo(exact[1], within(0.08 * exact[1]));
        assertThat(java.util.Arrays.stream(fit.draws("sigma"))
                        .mapToDouble(d -> d[0])
                        .min()
                        .orElseThrow())
                .isPositive();
    }

    @Test
    void recoversABoundedProbability() {
        // 27 successes in 90 trials, p ~ uniform(0, 1) on (0, 1).
        int successes = 27;
        int trials = 90;
        Model model = Model.builder()
                .bounded("p", 0, 1)
                .logJoint(values -> {
                    NDArray p = values.get("p");
                    NDArray log1mp =
                            p.neg().add(SpecialFunctions.scalar(p, 1.0)).log();
                    return p.log()
                            .mul(SpecialFunctions.scalar(p, successes))
                            .add(log1mp.mul(SpecialFunctions.scalar(p, trials - successes)))
                            .sum(new int[] {1});
                })
                .build();
        double[] exact = moments(p -> successes * Math.log(p) + (trials - successes) * Math.log1p(-p), 1e-9, 1 - 1e-9);

        VariationalPosterior fit =
                GaussianVi.fit(model, ViConfig.builder().numDraws(4000).seed(2).build());

        ParameterSummary p = fit.summary("p").get(0);
        assertThat(p.mean()).isCloseTo(exact[0], within(0.01 * exact[0]));
        assertThat(p.sd()).isCloseTo(exact[1], within(0.08 * exact[1]));
    }
}
