package io.github.elbo4j.vi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

/** Pathfinder through {@link GaussianVi}: its draws are PSIS-resampled from the best Gaussian of each path. */
class PathfinderTest {

    private static final ViConfig PATHFINDER = ViConfig.builder()
            .method(ViMethod.PATHFINDER)
            .family(GuideFamily.FULL_RANK)
            .numDraws(2000)
            .seed(7)
            .build();

    @Test
    void recoversACorrelatedGaussian() {
        VariationalPosterior fit = GaussianVi.fit(DadviTest.badlyScaledGaussian(), PATHFINDER);
        for (int i = 0; i < 3; i++) {
            ParameterSummary summary = fit.summary("x" + i).get(0);
            double sd = DadviTest.SDS[i];
            assertThat((summary.mean() - DadviTest.MEAN[i]) / sd)
                    .as("mean %d in sds", i)
                    .isCloseTo(0, within(0.1));
            assertThat(summary.sd() / sd).as("sd %d", i).isCloseTo(1, within(0.1));
        }
        // On a Gaussian the best Gaussian of a path is the posterior itself.
        double[][] covariance = fit.gaussian().covariance();
        double[][] exact = DadviTest.covariance();
        for (int i = 0; i < 3; i++) {
            assertThat(covariance[i][i] / exact[i][i]).isCloseTo(1, within(0.05));
        }
        assertThat(fit.provenance().method()).startsWith("Pathfinder");
        assertThat(fit.khat()).isLessThan(0.5);
        assertThat(fit.reliable()).as(fit.reliabilityReasons().toString()).isTrue();
    }

    /**
     * A banana: x ~ N(0, 2²), y | x ~ N(b (x² − 4), 1), so E[x] = E[y] = 0, sd(x) = 2 and sd(y) =
     * √(1 + 32 b²), while the mode sits at y = −4b. No Gaussian matches it; importance resampling
     * corrects the draws of a mild banana.
     */
    static Model banana(double b) {
        return JavaModel.reals(2, (z, gradient) -> {
            double r = z[1] - b * (z[0] * z[0] - 4);
            if (gradient != null) {
                gradient[0] = -z[0] / 4 + r * 2 * b * z[0];
                gradient[1] = -r;
            }
            return -z[0] * z[0] / 8 - 0.5 * r * r;
        });
    }

    @Test
    void resamplingCorrectsAMildBanana() {
        VariationalPosterior fit = GaussianVi.fit(banana(0.1), PATHFINDER);
        ParameterSummary x = fit.summary("x0").get(0);
        ParameterSummary y = fit.summary("x1").get(0);
        assertThat(x.mean()).as("k̂ %.2f", fit.khat()).isCloseTo(0, within(0.2));
        assertThat(y.mean()).as("k̂ %.2f", fit.khat()).isCloseTo(0, within(0.2));
        assertThat(x.sd()).isCloseTo(2, within(0.2));
        assertThat(y.sd()).isCloseTo(Math.sqrt(1 + 32 * 0.01), within(0.15));
    }

    /** A strong banana defeats every Gaussian: the fit must either be right or say it is not. */
    @Test
    void aStrongBananaIsRightOrReportedUnreliable() {
        VariationalPosterior fit = GaussianVi.fit(banana(0.3), PATHFINDER);
        double yError = Math.abs(fit.summary("x1").get(0).mean()) / Math.sqrt(1 + 32 * 0.09);
        if (yError > 0.1) {
            assertThat(fit.reliable()).as("y off by %.2f sd", yError).isFalse();
            assertThat(String.join(" ", fit.reliabilityReasons())).contains("k̂");
        }
    }
}
