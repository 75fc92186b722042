package io.github.elbo4j.vi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

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
 * The deterministic path of {@link GaussianVi} (exact ELBO, L-BFGS): which fits take it, that it
 * reaches the q the stochastic fit converges to, and that it solves a case with a closed-form
 * optimum to the optimizer's tolerance.
 */
class ExactElboFitTest {

    private static GeneralizedLinearModel logistic(int n, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        double[] beta = {1.0, -0.7, 0.3};
        double[][] x = new double[n][3];
        double[] y = new double[n];
        for (int i = 0; i < n; i++) {
            double eta = -0.3;
            for (int j = 0; j < 3; j++) {
                x[i][j] = random.nextGaussian();
                eta += beta[j] * x[i][j];
            }
            y[i] = random.nextDouble() < 1 / (1 + Math.exp(-eta)) ? 1 : 0;
        }
        return GeneralizedLinearModel.of(GlmFamily.LOGISTIC, List.of("x1", "x2", "x3"), x, y, true, Map.of());
    }

    @Test
    void logisticAndPoissonRegressionsTakeTheDeterministicPath() {
        VariationalPosterior fit =
                GaussianVi.fit(logistic(200, 1), ViConfig.builder().seed(3).build());
        VariationalPosterior.Provenance provenance = fit.provenance();
        assertThat(provenance.method()).isEqualTo("deterministic (Gauss-Hermite, 16 nodes, L-BFGS)");
        assertThat(provenance.converged()).isTrue();
        assertThat(provenance.learningRate()).isNaN();
        assertThat(provenance.adaptationIterations()).isZero();
        assertThat(provenance.iterations())
                .isBetween(5, 200)
                .isEqualTo(fit.trace().size());
        for (int i = 1; i < fit.trace().size(); i++) {
            assertThat(fit.trace().get(i).elbo())
                    .isGreaterThan(fit.trace().get(i - 1).elbo());
        }
        // The exact ELBO at the end against the Monte Carlo one of the output draws.
        double last = fit.trace().get(fit.trace().size() - 1).elbo();
        assertThat(fit.elbo()).isCloseTo(last, within(4 * fit.elboStandardError()));
        assertThat(fit.draws("x1")).hasNumberOfRows(fit.config().numDraws());
        assertThat(fit.khat()).isLessThan(0.7);
    }

    /** ∇_φ of the exact ELBO (expectation chained through the guide's L, plus entropy) at random φ. */
    @ParameterizedTest
    @EnumSource(
            value = GuideFamily.class,
            names = {"MEAN_FIELD", "FULL_RANK"})
    void elboGradientInThePhiOfTheGuideMatchesFiniteDifferences(GuideFamily family) {
        CholeskyGuide guide = (CholeskyGuide) family.create(4, 1);
        ExactElboFit exact =
                new ExactElboFit(guide, logistic(60, 4).gaussianExpectation().orElseThrow());
        SplittableRandom random = new SplittableRandom(21);
        double[] phi = new double[guide.numParameters()];
        for (int i = 0; i < phi.length; i++) {
            phi[i] = 0.5 * random.nextGaussian() - (i >= 4 ? 1.0 : 0.0);
        }
        double[] gradient = new double[phi.length];
        exact.elbo(phi, gradient);
        double h = 1e-6;
        for (int i = 0; i < phi.length; i++) {
            double[] up = phi.clone();
            double[] down = phi.clone();
            up[i] += h;
            down[i] -= h;
            double numeric = (exact.elbo(up, null) - exact.elbo(down, null)) / (2 * h);
            assertThat(gradient[i]).as("dELBO/dphi_%d", i).isCloseTo(numeric, within(1e-6 * (1 + Math.abs(numeric))));
        }
    }

    @Test
    void theSeedChangesTheDrawsButNotTheFittedGaussian() {
        VariationalPosterior first =
                GaussianVi.fit(logistic(200, 1), ViConfig.builder().seed(3).build());
        VariationalPosterior second =
                GaussianVi.fit(logistic(200, 1), ViConfig.builder().seed(4).build());
        assertThat(second.gaussian().mean()).containsExactly(first.gaussian().mean());
        assertThat(second.gaussian().scaleTril()).isDeepEqualTo(first.gaussian().scaleTril());
        assertThat(second.draws("x1")).isNotEqualTo(first.draws("x1"));
    }

    @Test
    void otherFitsUseTheirMethod() {
        GeneralizedLinearModel model = logistic(200, 1);
        ViConfig quick =
                ViConfig.builder().maxIterations(300).learningRate(0.05).seed(2).build();
        // Without the exact path the default method, DADVI, estimates the ELBO with fixed draws.
        assertThat(GaussianVi.fit(
                                model,
                                ViConfig.builder()
                                        .maxIterations(300)
                                        .learningRate(0.05)
                                        .allowDeterministic(false)
                                        .seed(2)
                                        .build())
                        .provenance()
                        .method())
                .isEqualTo("DADVI (32 moment-matched draws, L-BFGS)");
        assertThat(GaussianVi.fit(
                                model,
                                ViConfig.builder()
                                        .maxIterations(300)
                                        .learningRate(0.05)
                                        .family(GuideFamily.LOW_RANK)
                                        .seed(2)
                                        .build())
                        .provenance()
                        .method())
                .startsWith("DADVI");
        assertThat(GaussianVi.fit(
                                model,
                                ViConfig.builder()
                                        .maxIterations(300)
                                        .learningRate(0.05)
                                        .method(ViMethod.ADVI)
                                        .seed(2)
                                        .build())
                        .provenance()
                        .method())
                .isEqualTo("deterministic (Gauss-Hermite, 16 nodes, L-BFGS)");
        assertThat(GaussianVi.fit(
                                model,
                                ViConfig.builder()
                                        .maxIterations(300)
                                        .learningRate(0.05)
                                        .batchSize(50)
                                        .seed(2)
                                        .build())
                        .provenance()
                        .method())
                .startsWith("stochastic");
        double[][] x = {{0.1}, {0.5}, {-0.3}, {1.2}};
        GeneralizedLinearModel linear = GeneralizedLinearModel.of(
                GlmFamily.LINEAR, List.of("x"), x, new double[] {0.2, 0.9, -0.1, 1.4}, true, Map.of());
        assertThat(GaussianVi.fit(linear, quick).provenance().method()).startsWith("DADVI");
        assertThat(GaussianVi.fit(
                                linear,
                                ViConfig.builder()
                                        .method(ViMethod.ADVI)
                                        .maxIterations(300)
                                        .learningRate(0.05)
                                        .seed(2)
                                        .build())
                        .provenance()
                        .method())
                .startsWith("stochastic");
    }

    /**
     * Against a long stochastic fit (S = 40 particles, tolerance 1e-4) of the same model: the same
     * q up to the stochastic fit's Monte Carlo error, which its iterate averaging keeps to a few
     * thousandths of a posterior sd (measured: at most 0.6 % in means and sds).
     */
    @ParameterizedTest
    @EnumSource(
            value = GuideFamily.class,
            names = {"MEAN_FIELD", "FULL_RANK"})
    void agreesWithALongStochasticFit(GuideFamily family) {
        GeneralizedLinearModel model = logistic(300, 2);
        FittedGaussian exact = GaussianVi.fit(
                        model, ViConfig.builder().family(family).seed(1).build())
                .gaussian();
        FittedGaussian stochastic = GaussianVi.fit(
                        model,
                        ViConfig.builder()
                                .family(family)
                                .allowDeterministic(false)
                                .numParticles(40)
                                .relativeTolerance(1e-4)
                                .seed(1)
                                .build())
                .gaussian();
        double[][] covariance = exact.covariance();
        double[][] reference = stochastic.covariance();
        for (int i = 0; i < exact.dimension(); i++) {
            double sd = Math.sqrt(covariance[i][i]);
            double referenceSd = Math.sqrt(reference[i][i]);
            assertThat(exact.mean()[i]).as("mean %d", i).isCloseTo(stochastic.mean()[i], within(0.05 * referenceSd));
            assertThat(sd).as("sd %d", i).isCloseTo(referenceSd, within(0.03 * referenceSd));
            for (int j = 0; j < i; j++) {
                double correlation = covariance[i][j] / (sd * Math.sqrt(covariance[j][j]));
                double referenceCorrelation = reference[i][j] / (referenceSd * Math.sqrt(reference[j][j]));
                assertThat(correlation).as("correlation %d %d", i, j).isCloseTo(referenceCorrelation, within(0.05));
            }
        }
    }

    /**
     * Poisson regression with an intercept only and a normal(a, s0²) prior: under q = N(m, v) the
     * ELBO is {@code Y m − n exp(m + v/2) − ((m − a)² + v) / (2 s0²) + ½ log v + const} (Y = Σ y),
     * exact in both the Poisson term and the normal prior, so its maximiser, the solution of
     *
     * <pre>
     *   Y − n exp(m + v/2) − (m − a)/s0² = 0,   1/v = n exp(m + v/2) + 1/s0²,
     * </pre>
     *
     * found here by bisection and fixed-point iteration, is the exact answer of both guide families.
     */
    @ParameterizedTest
    @EnumSource(
            value = GuideFamily.class,
            names = {"MEAN_FIELD", "FULL_RANK"})
    void solvesAClosedFormPoissonCaseToTheOptimizersTolerance(GuideFamily family) {
        double[] y = {3, 0, 2, 5, 1, 2, 4, 2};
        double a = 0.5;
        double s0 = 2.0;
        GeneralizedLinearModel model = GeneralizedLinearModel.of(
                GlmFamily.POISSON,
                List.of(),
                new double[y.length][0],
                y,
                true,
                Map.of("intercept", new RegressionPrior.Normal(a, s0)));
        double total = 0;
        for (double v : y) {
            total += v;
        }
        int n = y.length;
        double m = 0;
        double v = 0.1;
        for (int iteration = 0; iteration < 200; iteration++) {
            double low = -10;
            double high = 10;
            for (int k = 0; k < 200; k++) {
                m = 0.5 * (low + high);
                if (total - n * Math.exp(m + v / 2) - (m - a) / (s0 * s0) > 0) {
                    low = m;
                } else {
                    high = m;
                }
            }
            v = 1 / (n * Math.exp(m + v / 2) + 1 / (s0 * s0));
        }

        FittedGaussian q = GaussianVi.fit(
                        model, ViConfig.builder().family(family).seed(1).build())
                .gaussian();
        assertThat(q.mean()[0]).isCloseTo(m, within(1e-7));
        assertThat(q.scaleTril()[0][0]).isCloseTo(Math.sqrt(v), within(1e-7));
    }
}
