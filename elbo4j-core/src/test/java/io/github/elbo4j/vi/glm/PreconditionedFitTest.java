package io.github.elbo4j.vi.glm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import io.github.elbo4j.vi.AffineMap;
import io.github.elbo4j.vi.DataArray;
import io.github.elbo4j.vi.DjlModel;
import io.github.elbo4j.vi.FittedGaussian;
import io.github.elbo4j.vi.GuideFamily;
import io.github.elbo4j.vi.ParameterBlock;
import io.github.elbo4j.vi.ParameterValues;
import io.github.elbo4j.vi.UnconstrainedDensity;
import io.github.elbo4j.vi.VariationalPosterior;
import io.github.elbo4j.vi.ViConfig;
import io.github.elbo4j.vi.ViListener;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Preconditioning changes the coordinates of a regression's fit, never its posterior: the density
 * over u is the model's through the map (values, gradients, the DJL path), a fit with it matches
 * one without on a well-scaled problem, and on a badly scaled, correlated one with 100,000 rows it
 * matches the exact posterior ({@link ExactLinearPosterior}) where a fit without it cannot.
 */
class PreconditionedFitTest {

    private static final List<String> COLUMNS = List.of("a", "b", "c");

    /**
     * Three predictors on scales 10, 0.01 and 0.5 around means 50, 0 and 1,000, the third
     * correlated with the first (ρ ≈ 0.86): the kind of table that broke the fit before.
     */
    private record Table(double[][] x, double[] y) {
        GeneralizedLinearModel model(GlmFamily family, Map<String, RegressionPrior> priors) {
            return GeneralizedLinearModel.of(family, COLUMNS, x, y, true, priors);
        }
    }

    private static Table badlyScaled(GlmFamily family, int n, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        double[][] x = new double[n][3];
        double[] y = new double[n];
        for (int i = 0; i < n; i++) {
            x[i][0] = 50 + 10 * random.nextGaussian();
            x[i][1] = 0.01 * random.nextGaussian();
            x[i][2] = 1000 + 0.05 * x[i][0] + 0.3 * random.nextGaussian();
            double eta = 0.02 * (x[i][0] - 50) - 20 * x[i][1] + 0.8 * (x[i][2] - 1002.5);
            y[i] = switch (family) {
                case LINEAR -> 3 + 0.5 * x[i][0] - 20 * x[i][1] + 0.8 * x[i][2] + 2 * random.nextGaussian();
                case LOGISTIC -> random.nextDouble() < 1 / (1 + Math.exp(-eta)) ? 1 : 0;
                case POISSON -> poisson(Math.exp(0.5 + eta), random);
            };
        }
        return new Table(x, y);
    }

    private static double poisson(double rate, SplittableRandom random) {
        double limit = Math.exp(-rate);
        double product = random.nextDouble();
        int count = 0;
        while (product > limit) {
            product *= random.nextDouble();
            count++;
        }
        return count;
    }

    @ParameterizedTest
    @EnumSource(GlmFamily.class)
    void theDensityOverUIsTheModelsThroughTheMap(GlmFamily family) throws Exception {
        GeneralizedLinearModel model = badlyScaled(family, 200, 1).model(family, Map.of());
        for (Preconditioning kind : List.of(Preconditioning.STANDARDIZE, Preconditioning.QR)) {
            GlmPreconditioner preconditioner = model.preconditioner(kind);
            assertThat(preconditioner.kind()).isEqualTo(kind);
            AffineMap map = preconditioner.map();
            PreconditionedGlm overU = new PreconditionedGlm(model, preconditioner);
            int d = map.dimension();
            SplittableRandom random = new SplittableRandom(2);
            double[] u = new double[d];
            for (int j = 0; j < d; j++) {
                u[j] = 0.3 * random.nextGaussian();
            }
            double[] value = new double[1];
            double[] gradient = new double[d];
            double[] modelValue = new double[1];
            try (UnconstrainedDensity density = overU.unconstrainedDensity();
                    UnconstrainedDensity modelDensity = model.unconstrainedDensity();
                    UnconstrainedDensity djl = djlDensity(overU)) {
                density.evaluate(u, 1, null, value, gradient);
                modelDensity.evaluate(map.apply(u), 1, null, modelValue, null);
                assertThat(value[0])
                        .as(kind + " value")
                        .isCloseTo(modelValue[0] + map.logAbsDeterminant(), within(1e-9 * Math.abs(value[0])));
                double[] djlValue = new double[1];
                djl.evaluate(u, 1, null, djlValue, null);
                assertThat(djlValue[0]).as(kind + " DJL path").isCloseTo(value[0], within(1e-8 * Math.abs(value[0])));
                for (int j = 0; j < d; j++) {
                    double h = 1e-6;
                    double[] plus = u.clone();
                    double[] minus = u.clone();
                    plus[j] += h;
                    minus[j] -= h;
                    double[] up = new double[1];
                    double[] down = new double[1];
                    density.evaluate(plus, 1, null, up, null);
                    density.evaluate(minus, 1, null, down, null);
                    double numeric = (up[0] - down[0]) / (2 * h);
                    assertThat(gradient[j])
                            .as(kind + " gradient " + j)
                            .isCloseTo(numeric, within(1e-5 * (1 + Math.abs(numeric))));
                }
            }
        }
    }

    /** The same model with the default, DJL-autograd density, which reads its tensor log joint. */
    private static UnconstrainedDensity djlDensity(PreconditionedGlm model) {
        return new DjlModel() {
            @Override
            public List<ParameterBlock> blocks() {
                return model.blocks();
            }

            @Override
            public List<DataArray> data() {
                return model.data();
            }

            @Override
            public NDArray logJoint(ParameterValues values) {
                return model.logJoint(values);
            }
        }.unconstrainedDensity();
    }

    /**
     * On well-scaled, uncorrelated predictors a full-rank fit needs no preconditioning; with it, it
     * must find the same q (the optimum is the same Gaussian, mapped), up to the optimizer's
     * tolerance and the fixed draws.
     */
    @ParameterizedTest
    @EnumSource(GlmFamily.class)
    void preconditioningLeavesAWellScaledFitAlone(GlmFamily family) {
        SplittableRandom random = new SplittableRandom(5);
        int n = 300;
        double[][] x = new double[n][2];
        double[] y = new double[n];
        for (int i = 0; i < n; i++) {
            x[i][0] = random.nextGaussian();
            x[i][1] = random.nextGaussian();
            double eta = 0.3 + 0.7 * x[i][0] - 0.4 * x[i][1];
            y[i] = switch (family) {
                case LINEAR -> eta + 0.5 * random.nextGaussian();
                case LOGISTIC -> random.nextDouble() < 1 / (1 + Math.exp(-eta)) ? 1 : 0;
                case POISSON -> poisson(Math.exp(eta), random);
            };
        }
        GeneralizedLinearModel model = GeneralizedLinearModel.of(family, List.of("x1", "x2"), x, y, true, Map.of());
        ViConfig config =
                ViConfig.builder().family(GuideFamily.FULL_RANK).seed(3).build();
        FittedGaussian plain =
                model.fit(config, Preconditioning.NONE, ViListener.NONE).gaussian();
        VariationalPosterior preconditionedFit = model.fit(config, Preconditioning.QR, ViListener.NONE);
        FittedGaussian preconditioned = preconditionedFit.gaussian();
        double[][] plainCovariance = plain.covariance();
        double[][] covariance = preconditioned.covariance();
        for (int j = 0; j < plain.dimension(); j++) {
            double sd = Math.sqrt(plainCovariance[j][j]);
            assertThat(preconditioned.mean()[j]).as("mean %d", j).isCloseTo(plain.mean()[j], within(0.02 * sd));
            assertThat(Math.sqrt(covariance[j][j])).as("sd %d", j).isCloseTo(sd, within(0.02 * sd));
        }
        assertThat(preconditionedFit.reliable())
                .as(preconditionedFit.reliabilityReasons().toString())
                .isTrue();
    }

    /**
     * 100,000 rows, predictors badly scaled and correlated: the default fit (QR, DADVI, full-rank
     * over the decorrelated coordinates) has every q mean within 0.05 exact sd and every q sd
     * within 5% of the exact posterior's, with the default priors and with nearly flat ones; without
     * preconditioning the mean-field q cannot be (it would need the correlations it lacks).
     */
    @Test
    void hundredThousandRowsMatchTheExactPosterior() {
        Map<String, RegressionPrior> flat = Map.of(
                "beta",
                new RegressionPrior.Normal(0, 1000),
                "intercept",
                new RegressionPrior.Normal(0, 10_000),
                "sigma",
                new RegressionPrior.Cauchy(0, 2.5));
        Table table = badlyScaled(GlmFamily.LINEAR, 100_000, 7);
        for (Map<String, RegressionPrior> priors : List.of(Map.<String, RegressionPrior>of(), flat)) {
            GeneralizedLinearModel model = table.model(GlmFamily.LINEAR, priors);
            Map<String, double[]> exact = ExactLinearPosterior.moments(
                    COLUMNS, table.x(), table.y(), model.priors(), model.interceptPriorCentre());
            VariationalPosterior fit = model.fit(ViConfig.builder().build());
            assertThat(fit.reliable()).as(fit.reliabilityReasons().toString()).isTrue();
            Map<String, double[]> q = qMoments(fit);
            exact.forEach((name, moments) -> {
                assertThat(q.get(name)[0])
                        .as(name + " mean, priors " + priors)
                        .isCloseTo(moments[0], within(0.05 * moments[1]));
                assertThat(q.get(name)[1] / moments[1])
                        .as(name + " sd ratio, priors " + priors)
                        .isCloseTo(1.0, within(0.05));
            });
            VariationalPosterior unconditioned = model.fit(
                    ViConfig.builder().family(GuideFamily.MEAN_FIELD).build(), Preconditioning.NONE, ViListener.NONE);
            assertThat(qMoments(unconditioned).get("c")[1] / exact.get("c")[1])
                    .as("mean-field over raw coefficients")
                    .isLessThan(0.1);
            assertThat(unconditioned.reliable()).isFalse();
        }
    }

    /**
     * The predictors sit far from zero (means 50, 0 and 1,000 against sds 10, 0.01 and 0.5), so the
     * raw intercept is far from ȳ; the default intercept prior, normal(ȳ, 10 s_y), applies to the
     * centred intercept, and the default fit agrees with a nearly flat-prior fit within 0.1 sd in
     * every parameter (on the raw intercept that prior pulled the intercept by 4.5 sds).
     */
    @Test
    void theDefaultInterceptPriorIsOnTheCentredIntercept() {
        Map<String, RegressionPrior> flat = Map.of(
                "beta",
                new RegressionPrior.Normal(0, 1000),
                "intercept",
                new RegressionPrior.Normal(0, 10_000),
                "sigma",
                new RegressionPrior.Cauchy(0, 2.5));
        Table table = badlyScaled(GlmFamily.LINEAR, 100_000, 7);
        Map<String, double[]> byDefault = qMoments(
                table.model(GlmFamily.LINEAR, Map.of()).fit(ViConfig.builder().build()));
        Map<String, double[]> nearlyFlat = qMoments(
                table.model(GlmFamily.LINEAR, flat).fit(ViConfig.builder().build()));
        nearlyFlat.forEach((name, moments) ->
                assertThat(byDefault.get(name)[0]).as(name + " mean").isCloseTo(moments[0], within(0.1 * moments[1])));
    }

    @Test
    void qrFallsBackToStandardizationOnCollinearPredictors() {
        SplittableRandom random = new SplittableRandom(9);
        int n = 100;
        double[][] x = new double[n][2];
        double[] y = new double[n];
        for (int i = 0; i < n; i++) {
            x[i][0] = random.nextGaussian();
            x[i][1] = 2 * x[i][0];
            y[i] = 1 + x[i][0] + random.nextGaussian();
        }
        GeneralizedLinearModel model =
                GeneralizedLinearModel.of(GlmFamily.LINEAR, List.of("x1", "x2"), x, y, true, Map.of());
        assertThat(model.preconditioningInEffect(Preconditioning.QR)).isEqualTo(Preconditioning.STANDARDIZE);
        assertThat(model.preconditioningInEffect(Preconditioning.NONE)).isEqualTo(Preconditioning.NONE);
        VariationalPosterior fit =
                model.fit(ViConfig.builder().family(GuideFamily.FULL_RANK).build());
        // Only x1 + 2 x2 is identified: the data pin it to the slope 1.
        double[] x1 = column(fit.draws("x1"));
        double[] x2 = column(fit.draws("x2"));
        double combined = 0;
        for (int s = 0; s < x1.length; s++) {
            combined += (x1[s] + 2 * x2[s]) / x1.length;
        }
        assertThat(combined).isCloseTo(1.0, within(0.3));
    }

    /**
     * The moments of q itself (no Monte Carlo error): the mean and sd of each real coordinate, and
     * of σ = exp(z), log-normal under q.
     */
    static Map<String, double[]> qMoments(VariationalPosterior fit) {
        FittedGaussian q = fit.gaussian();
        double[][] covariance = q.covariance();
        Map<String, double[]> result = new LinkedHashMap<>();
        List<ParameterBlock> blocks = fit.blocks();
        for (int j = 0; j < blocks.size(); j++) {
            double mean = q.mean()[j];
            double variance = covariance[j][j];
            if (blocks.get(j).name().equals(GeneralizedLinearModel.SIGMA)) {
                double expected = Math.exp(mean + variance / 2);
                result.put(
                        GeneralizedLinearModel.SIGMA,
                        new double[] {expected, expected * Math.sqrt(Math.expm1(variance))});
            } else {
                result.put(blocks.get(j).name(), new double[] {mean, Math.sqrt(variance)});
            }
        }
        return result;
    }

    private static double[] column(double[][] draws) {
        double[] result = new double[draws.length];
        for (int s = 0; s < draws.length; s++) {
            result[s] = draws[s][0];
        }
        return result;
    }
}
