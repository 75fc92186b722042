package io.github.elbo4j.vi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.Test;

/** DADVI, Laplace and the reliability verdict on targets whose posterior is known exactly. */
class DadviTest {

    /** Σ = S R S with sds spanning six orders of magnitude and correlations up to 0.8. */
    static final double[] SDS = {1e-3, 2.0, 1e3};

    static final double[][] CORRELATION = {{1, 0.8, 0.3}, {0.8, 1, 0.5}, {0.3, 0.5, 1}};
    static final double[] MEAN = {5.0, -3.0, 1e4};

    static double[][] covariance() {
        double[][] sigma = new double[3][3];
        for (int i = 0; i < 3; i++) {
            for (int j = 0; j < 3; j++) {
                sigma[i][j] = SDS[i] * CORRELATION[i][j] * SDS[j];
            }
        }
        return sigma;
    }

    static double[][] precision() {
        return DenseCholesky.inverseFromFactor(DenseCholesky.factor(covariance()));
    }

    static JavaModel badlyScaledGaussian() {
        return JavaModel.gaussian(MEAN, precision());
    }

    @Test
    void fullRankRecoversTheExactMeanAndCovarianceOfABadlyScaledGaussian() {
        VariationalPosterior fit = GaussianVi.fit(
                badlyScaledGaussian(),
                ViConfig.builder().family(GuideFamily.FULL_RANK).seed(3).build());
        assertThat(fit.config().method()).isEqualTo(ViMethod.DADVI);
        double[][] sigma = covariance();
        double[] mean = fit.gaussian().mean();
        double[][] covariance = fit.gaussian().covariance();
        for (int i = 0; i < 3; i++) {
            assertThat((mean[i] - MEAN[i]) / SDS[i]).as("mean %d in sds", i).isCloseTo(0, within(1e-6));
            for (int j = 0; j < 3; j++) {
                assertThat(covariance[i][j] / (SDS[i] * SDS[j]))
                        .as("covariance %d,%d", i, j)
                        .isCloseTo(sigma[i][j] / (SDS[i] * SDS[j]), within(1e-6));
            }
        }
        assertThat(fit.provenance().converged()).isTrue();
        assertThat(fit.reliable()).as(fit.reliabilityReasons().toString()).isTrue();
        assertThat(fit.laplaceComparison()).isPresent();
        assertThat(fit.khat()).isLessThan(0.5);
    }

    @Test
    void meanFieldRecoversTheMeanAndConditionalVariancesAndLinearResponseTheMarginals() {
        VariationalPosterior fit = GaussianVi.fit(
                badlyScaledGaussian(),
                ViConfig.builder()
                        .family(GuideFamily.MEAN_FIELD)
                        .linearResponse(true)
                        .seed(4)
                        .build());
        double[][] lambda = precision();
        double[][] sigma = covariance();
        double[] mean = fit.gaussian().mean();
        double[][] covariance = fit.gaussian().covariance();
        FittedGaussian response = fit.linearResponse().orElseThrow();
        double[][] responseCovariance = response.covariance();
        for (int i = 0; i < 3; i++) {
            assertThat((mean[i] - MEAN[i]) / SDS[i]).as("mean %d in sds", i).isCloseTo(0, within(1e-6));
            // Mean-field's optimum on a Gaussian: the conditional variances 1/Λ_ii.
            assertThat(covariance[i][i] * lambda[i][i]).as("variance %d", i).isCloseTo(1, within(1e-6));
            // Linear response recovers the marginal variances Σ_ii, to finite-difference accuracy.
            assertThat(responseCovariance[i][i] / sigma[i][i])
                    .as("LR variance %d", i)
                    .isCloseTo(1, within(1e-4));
        }
        assertThat(fit.linearResponseSummary("x1").orElseThrow().get(0).sd()).isCloseTo(SDS[1], within(0.1 * SDS[1]));
        // The correlations make mean-field's sds far too small: the verdict says so.
        assertThat(fit.reliable()).isFalse();
        assertThat(String.join(" ", fit.reliabilityReasons()))
                .contains("too narrow")
                .contains("mean-field");
    }

    @Test
    void theLaplaceMethodIsExactOnAGaussian() {
        VariationalPosterior fit = GaussianVi.fit(
                badlyScaledGaussian(),
                ViConfig.builder()
                        .method(ViMethod.LAPLACE)
                        .family(GuideFamily.FULL_RANK)
                        .build());
        double[][] sigma = covariance();
        double[][] covariance = fit.gaussian().covariance();
        for (int i = 0; i < 3; i++) {
            assertThat((fit.gaussian().mean()[i] - MEAN[i]) / SDS[i]).isCloseTo(0, within(1e-6));
            assertThat(covariance[i][i] / sigma[i][i]).isCloseTo(1, within(1e-6));
        }
        assertThat(fit.reliable()).as(fit.reliabilityReasons().toString()).isTrue();
    }

    @Test
    void lowRankFitsByFixedDrawsToo() {
        VariationalPosterior fit = GaussianVi.fit(
                badlyScaledGaussian(),
                ViConfig.builder().family(GuideFamily.LOW_RANK).rank(2).seed(5).build());
        assertThat(fit.provenance().method()).startsWith("DADVI");
        assertThat(fit.provenance().converged()).isTrue();
        for (int i = 0; i < 3; i++) {
            assertThat((fit.gaussian().mean()[i] - MEAN[i]) / SDS[i]).isCloseTo(0, within(1e-4));
        }
    }

    @Test
    void stochasticAdviStartsFromTheModeAndStopsNearTheOptimum() {
        VariationalPosterior fit = GaussianVi.fit(
                badlyScaledGaussian(),
                ViConfig.builder()
                        .method(ViMethod.ADVI)
                        .family(GuideFamily.FULL_RANK)
                        .maxIterations(3000)
                        .seed(6)
                        .build());
        assertThat(fit.provenance().method()).startsWith("stochastic");
        assertThat(fit.provenance().converged()).isTrue();
        for (int i = 0; i < 3; i++) {
            assertThat((fit.gaussian().mean()[i] - MEAN[i]) / SDS[i])
                    .as("mean %d in sds", i)
                    .isCloseTo(0, within(0.1));
            assertThat(Math.sqrt(fit.gaussian().covariance()[i][i]) / SDS[i])
                    .as("sd %d", i)
                    .isCloseTo(1, within(0.1));
        }
    }

    /**
     * y = 1 from N(μ, σ²) with the improper prior p(μ, σ) ∝ 1/σ: f(μ, log σ) = −(1 − μ)²/(2σ²) − log σ
     * grows without bound as σ → 0 at μ = 1. No Gaussian approximates it; the fit must say so.
     */
    @Test
    void aDivergingFitIsReportedAsFailed() {
        Model improper = new JavaModel(
                List.of(
                        ParameterBlock.scalar("mu", Constraint.real()),
                        ParameterBlock.scalar("sigma", Constraint.positive())),
                (z, gradient) -> {
                    double r = 1 - z[0];
                    double inverseVariance = Math.exp(-2 * z[1]);
                    if (gradient != null) {
                        gradient[0] = r * inverseVariance;
                        gradient[1] = r * r * inverseVariance - 1;
                    }
                    return -0.5 * r * r * inverseVariance - z[1];
                });
        for (ViMethod method : new ViMethod[] {ViMethod.DADVI, ViMethod.LAPLACE}) {
            VariationalPosterior fit = GaussianVi.fit(
                    improper,
                    ViConfig.builder()
                            .method(method)
                            .family(GuideFamily.FULL_RANK)
                            .maxIterations(300)
                            .build());
            assertThat(fit.reliable()).as(method.toString()).isFalse();
            assertThat(fit.provenance().converged()).as(method.toString()).isFalse();
            assertThat(fit.summaryTable()).startsWith("UNRELIABLE FIT");
        }
    }

    @Test
    void theSummaryTableListsEveryParameter() {
        VariationalPosterior fit = GaussianVi.fit(
                badlyScaledGaussian(),
                ViConfig.builder().family(GuideFamily.FULL_RANK).seed(3).build());
        String table = fit.toString();
        assertThat(table)
                .contains("parameter", "mean", "sd", "5%", "50%", "95%", "x0", "x1", "x2", "DADVI", "converged");
        assertThat(table).doesNotContain("UNRELIABLE");
    }
}
