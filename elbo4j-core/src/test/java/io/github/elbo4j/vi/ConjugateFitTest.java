package io.github.elbo4j.vi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import io.github.elbo4j.math.SpecialFunctions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Acceptance criterion 1 of Gaussian VI: on the conjugate Normal–Normal model every family recovers
 * the exact posterior and its ELBO reaches the exact log evidence.
 *
 * <p>Model: μ_j ~ N(0, τ²), y_ij ~ N(μ_j, σ²) for j = 1, 2 with known σ; posterior μ_j | y ~
 * N(m_j, v_j) with v_j = 1/(1/τ² + n/σ²), m_j = v_j Σ_i y_ij / σ²; log p(y) = log p(y | m) + log
 * p(m) − log p(m | y).
 */
class ConjugateFitTest {

    private static final double TAU = 2.0;
    private static final double SIGMA = 1.5;
    private static final double[][] Y = {
        {1.9, 0.7, 2.4, 1.1, 2.8, 1.6, 0.9, 2.2},
        {-3.1, -2.2, -4.0, -2.6, -3.5, -1.9, -3.3, -2.8}
    };

    static Model model() {
        return Model.builder()
                .real("mu", 2)
                .data(new DataArray("y", flatten(Y), new long[] {2, Y[0].length}))
                .logJoint(p -> {
                    NDArray mu = p.get("mu");
                    NDArray y = p.data("y");
                    NDArray prior = normalLogDensity(mu, 0.0, TAU).sum(new int[] {1});
                    // [S, 2, 1] against [2, n] broadcasts to [S, 2, n].
                    NDArray likelihood = normalLogDensity(y.sub(mu.expandDims(2)), 0.0, SIGMA)
                            .sum(new int[] {1, 2});
                    return prior.add(likelihood);
                })
                .build();
    }

    /** log N(x; m, s²) elementwise. */
    static NDArray normalLogDensity(NDArray x, double mean, double sd) {
        NDArray z = x.sub(SpecialFunctions.scalar(x, mean)).div(SpecialFunctions.scalar(x, sd));
        return z.square()
                .mul(SpecialFunctions.scalar(z, -0.5))
                .sub(SpecialFunctions.scalar(z, Math.log(sd) + SpecialFunctions.HALF_LOG_2PI));
    }

    static double exactVariance() {
        return 1.0 / (1.0 / (TAU * TAU) + Y[0].length / (SIGMA * SIGMA));
    }

    static double exactMean(int j) {
        double sum = 0;
        for (double v : Y[j]) {
            sum += v;
        }
        return exactVariance() * sum / (SIGMA * SIGMA);
    }

    static double exactLogEvidence() {
        double total = 0;
        for (int j = 0; j < 2; j++) {
            double m = exactMean(j);
            for (double v : Y[j]) {
                total += logNormal(v, m, SIGMA);
            }
            total += logNormal(m, 0, TAU) - logNormal(m, m, Math.sqrt(exactVariance()));
        }
        return total;
    }

    private static double logNormal(double x, double m, double s) {
        double z = (x - m) / s;
        return -0.5 * z * z - Math.log(s) - SpecialFunctions.HALF_LOG_2PI;
    }

    @ParameterizedTest
    @EnumSource(GuideFamily.class)
    void recoversConjugatePosterior(GuideFamily family) {
        VariationalPosterior fit = GaussianVi.fit(
                model(), ViConfig.builder().family(family).rank(1).seed(3).build());

        FittedGaussian q = fit.gaussian();
        double[][] covariance = q.covariance();
        for (int j = 0; j < 2; j++) {
            assertThat(q.mean()[j]).isCloseTo(exactMean(j), within(0.02 * Math.abs(exactMean(j))));
            assertThat(covariance[j][j]).isCloseTo(exactVariance(), within(0.02 * exactVariance()));
        }
        assertThat(Math.abs(covariance[0][1])).isLessThan(0.02 * exactVariance());
        assertThat(fit.elbo()).isCloseTo(exactLogEvidence(), within(0.01));
        assertThat(fit.elbo()).isLessThanOrEqualTo(fit.logEvidence().logEvidence() + 1e-9);
        assertThat(fit.logEvidence().logEvidence()).isCloseTo(exactLogEvidence(), within(0.01));
        assertThat(fit.khatReading()).isEqualTo(KhatReading.GOOD);
        assertThat(fit.provenance().converged()).isTrue();
        double[][] resampled = fit.resampledDraws("mu").orElseThrow();
        double resampledMean = java.util.Arrays.stream(resampled)
                .mapToDouble(d -> d[1])
                .average()
                .orElseThrow();
        // 1000 draws: the standard error of the mean is √(v/1000) ≈ 0.016.
        assertThat(resampledMean).isCloseTo(exactMean(1), within(4 * Math.sqrt(exactVariance() / 1000)));
    }

    private static double[] flatten(double[][] rows) {
        return java.util.Arrays.stream(rows)
                .flatMapToDouble(java.util.Arrays::stream)
                .toArray();
    }
}
