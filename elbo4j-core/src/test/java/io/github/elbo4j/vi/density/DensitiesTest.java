package io.github.elbo4j.vi.density;

import static io.github.elbo4j.vi.autodiff.Value.constant;
import static io.github.elbo4j.vi.density.Densities.*;
import static io.github.elbo4j.vi.density.DensityChecks.assertClose;
import static io.github.elbo4j.vi.density.DensityChecks.checkGradients;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.elbo4j.vi.autodiff.Tape;
import io.github.elbo4j.vi.autodiff.Value;
import java.util.function.IntToDoubleFunction;
import org.hipparchus.distribution.continuous.BetaDistribution;
import org.hipparchus.distribution.continuous.CauchyDistribution;
import org.hipparchus.distribution.continuous.ExponentialDistribution;
import org.hipparchus.distribution.continuous.GammaDistribution;
import org.hipparchus.distribution.continuous.LaplaceDistribution;
import org.hipparchus.distribution.continuous.LogNormalDistribution;
import org.hipparchus.distribution.continuous.LogisticDistribution;
import org.hipparchus.distribution.continuous.NormalDistribution;
import org.hipparchus.distribution.continuous.TDistribution;
import org.hipparchus.distribution.continuous.UniformRealDistribution;
import org.hipparchus.distribution.continuous.WeibullDistribution;
import org.hipparchus.distribution.discrete.BinomialDistribution;
import org.hipparchus.distribution.discrete.PascalDistribution;
import org.hipparchus.distribution.discrete.PoissonDistribution;
import org.hipparchus.special.Gamma;
import org.junit.jupiter.api.Test;

/** The univariate densities: values against Hipparchus's distributions, gradients against finite differences. */
class DensitiesTest {

    private static final double[] REAL = {0.7, -1.3, 2.1};
    private static final double[] POSITIVE = {0.4, 1.7, 3.2};
    private static final double[] UNIT = {0.15, 0.5, 0.83};
    private static final double[] LOCATIONS = {0.2, -0.5, 1.0};
    private static final double[] SCALES = {0.8, 1.9, 1.3};
    private static final double[] SHAPES = {2.5, 0.7, 1.4};

    // ---------------------------------------------------------------- values

    @Test
    void locationScaleValuesMatchHipparchus() {
        for (int i = 0; i < 3; i++) {
            double y = REAL[i];
            double mu = LOCATIONS[i];
            double sigma = SCALES[i];
            assertClose(normal(constant(y), mu, sigma).doubleValue(), new NormalDistribution(mu, sigma).logDensity(y));
            assertClose(cauchy(constant(y), mu, sigma).doubleValue(), new CauchyDistribution(mu, sigma).logDensity(y));
            assertClose(
                    doubleExponential(constant(y), mu, sigma).doubleValue(),
                    new LaplaceDistribution(mu, sigma).logDensity(y));
            assertClose(
                    logistic(constant(y), mu, sigma).doubleValue(),
                    Math.log(new LogisticDistribution(mu, sigma).density(y)));
            double nu = SHAPES[i] + 1.0;
            assertClose(
                    studentT(constant(y), nu, mu, sigma).doubleValue(),
                    new TDistribution(nu).logDensity((y - mu) / sigma) - Math.log(sigma));
        }
    }

    @Test
    void positiveAndBoundedValuesMatchHipparchus() {
        for (int i = 0; i < 3; i++) {
            double y = POSITIVE[i];
            double a = SHAPES[i];
            double b = SCALES[i];
            assertClose(
                    lognormal(constant(y), LOCATIONS[i], b).doubleValue(),
                    new LogNormalDistribution(LOCATIONS[i], b).logDensity(y));
            assertClose(exponential(constant(y), b).doubleValue(), new ExponentialDistribution(1.0 / b).logDensity(y));
            assertClose(gamma(constant(y), a, b).doubleValue(), new GammaDistribution(a, 1.0 / b).logDensity(y));
            // 1/y of a gamma(α, rate β) variable: density f(1/y) / y².
            assertClose(
                    invGamma(constant(y), a, b).doubleValue(),
                    new GammaDistribution(a, 1.0 / b).logDensity(1.0 / y) - 2.0 * Math.log(y));
            assertClose(weibull(constant(y), a, b).doubleValue(), new WeibullDistribution(a, b).logDensity(y));
            assertClose(beta(constant(UNIT[i]), a, b).doubleValue(), new BetaDistribution(a, b).logDensity(UNIT[i]));
            assertClose(
                    uniform(constant(y), -a, b + 3.0).doubleValue(),
                    new UniformRealDistribution(-a, b + 3.0).logDensity(y));
        }
    }

    @Test
    void discreteValuesMatchHipparchus() {
        int[] counts = {0, 3, 17, 1500};
        double[] logRates = {-0.4, 1.2, 2.7, 7.3};
        for (int i = 0; i < counts.length; i++) {
            assertClose(
                    poissonLog(counts[i], constant(logRates[i])).doubleValue(),
                    new PoissonDistribution(Math.exp(logRates[i])).logProbability(counts[i]));
            // Pascal(r, p) counts failures before the r-th success: neg_binomial_2 with φ = r, p = φ / (μ + φ).
            int phi = i + 2;
            double mean = Math.exp(logRates[i]);
            assertClose(
                    negBinomial2Log(new int[] {counts[i]}, constant(logRates[i]), phi)
                            .doubleValue(),
                    new PascalDistribution(phi, phi / (mean + phi)).logProbability(counts[i]));
        }
        double[] logits = {-2.0, 0.3, 1.7};
        int[] trials = {5, 12, 40};
        int[] successes = {1, 12, 23};
        for (int i = 0; i < 3; i++) {
            double p = 1.0 / (1.0 + Math.exp(-logits[i]));
            assertClose(
                    binomialLogit(new int[] {successes[i]}, trials[i], constant(logits[i]))
                            .doubleValue(),
                    new BinomialDistribution(trials[i], p).logProbability(successes[i]));
            assertClose(
                    bernoulliLogit(i % 2, constant(logits[i])).doubleValue(),
                    new BinomialDistribution(1, p).logProbability(i % 2));
        }
        Value beta = constant(0.5, -1.0, 2.0);
        double logNormalizer = Math.log(Math.exp(0.5) + Math.exp(-1.0) + Math.exp(2.0));
        assertClose(categoricalLogit(new int[] {2, 0, 2}, beta).doubleValue(), 2.0 + 0.5 + 2.0 - 3 * logNormalizer);
    }

    @Test
    void vectorizedDensitiesSumTheElementwiseOnesAndBroadcastSingleValues() {
        double expected = 0.0;
        for (int i = 0; i < 3; i++) {
            expected += new GammaDistribution(SHAPES[i], 1.0 / 1.5).logDensity(POSITIVE[i]);
        }
        assertClose(gamma(constant(POSITIVE), constant(SHAPES), constant(1.5)).doubleValue(), expected);
        assertVectorizes(
                i -> new NormalDistribution(LOCATIONS[i], 1.3).logDensity(REAL[i]),
                normal(constant(REAL), constant(LOCATIONS), 1.3),
                3);
        assertVectorizes(
                i -> new BetaDistribution(2.0, SHAPES[i]).logDensity(UNIT[i]),
                beta(constant(UNIT), constant(2.0), constant(SHAPES)),
                3);
        double poisson = 0.0;
        for (int count : new int[] {0, 4, 2}) {
            poisson += new PoissonDistribution(Math.exp(0.8)).logProbability(count);
        }
        assertClose(poissonLog(new int[] {0, 4, 2}, constant(0.8)).doubleValue(), poisson);
        assertThat(normal(constant(new double[0]), 0.0, 1.0).doubleValue()).isZero();
    }

    private static void assertVectorizes(IntToDoubleFunction elementwise, Value vectorized, int terms) {
        double expected = 0.0;
        for (int i = 0; i < terms; i++) {
            expected += elementwise.applyAsDouble(i);
        }
        assertClose(vectorized.doubleValue(), expected);
    }

    // ---------------------------------------------------------------- gradients

    @Test
    void realLineGradientsMatchFiniteDifferences() {
        double[] scale = {1.4};
        checkGradients(a -> normal(a[0], a[1], a[2]), REAL, LOCATIONS, SCALES);
        checkGradients(a -> normal(a[0], a[1], a[2]), REAL, new double[] {0.3}, scale);
        checkGradients(a -> studentT(a[0], a[1], a[2], a[3]), REAL, SHAPES, LOCATIONS, SCALES);
        checkGradients(a -> studentT(a[0], a[1], a[2], a[3]), REAL, new double[] {3.5}, LOCATIONS, scale);
        checkGradients(a -> cauchy(a[0], a[1], a[2]), REAL, LOCATIONS, SCALES);
        checkGradients(a -> cauchy(a[0], a[1], a[2]), REAL, new double[] {0.3}, scale);
        checkGradients(a -> doubleExponential(a[0], a[1], a[2]), REAL, LOCATIONS, SCALES);
        checkGradients(a -> doubleExponential(a[0], a[1], a[2]), REAL, new double[] {0.3}, scale);
        checkGradients(a -> logistic(a[0], a[1], a[2]), REAL, LOCATIONS, SCALES);
        checkGradients(a -> logistic(a[0], a[1], a[2]), REAL, new double[] {0.3}, scale);
    }

    @Test
    void positiveAndBoundedGradientsMatchFiniteDifferences() {
        double[] one = {1.6};
        checkGradients(a -> lognormal(a[0], a[1], a[2]), POSITIVE, LOCATIONS, SCALES);
        checkGradients(a -> lognormal(a[0], a[1], a[2]), POSITIVE, new double[] {0.3}, one);
        checkGradients(a -> exponential(a[0], a[1]), POSITIVE, SCALES);
        checkGradients(a -> exponential(a[0], a[1]), POSITIVE, one);
        checkGradients(a -> gamma(a[0], a[1], a[2]), POSITIVE, SHAPES, SCALES);
        checkGradients(a -> gamma(a[0], a[1], a[2]), POSITIVE, new double[] {2.2}, one);
        checkGradients(a -> invGamma(a[0], a[1], a[2]), POSITIVE, SHAPES, SCALES);
        checkGradients(a -> invGamma(a[0], a[1], a[2]), POSITIVE, new double[] {2.2}, one);
        checkGradients(a -> weibull(a[0], a[1], a[2]), POSITIVE, SHAPES, SCALES);
        checkGradients(a -> weibull(a[0], a[1], a[2]), POSITIVE, new double[] {2.2}, one);
        checkGradients(a -> beta(a[0], a[1], a[2]), UNIT, SHAPES, SCALES);
        checkGradients(a -> beta(a[0], a[1], a[2]), UNIT, new double[] {2.2}, one);
        checkGradients(
                a -> uniform(a[0], a[1], a[2]), POSITIVE, new double[] {-1.0, 0.0, 0.1}, new double[] {4.0, 2.0, 5.0});
        checkGradients(a -> uniform(a[0], a[1], a[2]), POSITIVE, new double[] {-1.0}, new double[] {4.0});
    }

    @Test
    void discreteGradientsMatchFiniteDifferences() {
        checkGradients(a -> bernoulliLogit(new int[] {1, 0, 1}, a[0]), REAL);
        checkGradients(a -> bernoulliLogit(new int[] {1, 0, 1}, a[0]), new double[] {0.4});
        checkGradients(a -> binomialLogit(new int[] {3, 0, 7}, new int[] {5, 2, 7}, a[0]), REAL);
        checkGradients(a -> binomialLogit(new int[] {3, 0, 7}, 9, a[0]), new double[] {0.4});
        checkGradients(a -> poissonLog(new int[] {0, 4, 11}, a[0]), REAL);
        checkGradients(a -> poissonLog(new int[] {0, 4, 11}, a[0]), new double[] {1.1});
        checkGradients(a -> negBinomial2Log(new int[] {0, 4, 11}, a[0], a[1]), REAL, SHAPES);
        checkGradients(a -> negBinomial2Log(new int[] {0, 4, 11}, a[0], a[1]), new double[] {1.1}, new double[] {3.5});
        checkGradients(a -> categoricalLogit(new int[] {2, 0, 2, 1}, a[0]), REAL);
        checkGradients(
                a -> categoricalLogit(new int[] {2, 0}, matrix(a[0], 2, 3)), new double[] {0.1, 0.5, -1, 2, 0.3, 0.4});
    }

    // ---------------------------------------------------------------- bad arguments

    @Test
    void parametersOutsideTheirDomainGiveMinusInfinityNotAnException() {
        Tape tape = new Tape();
        Value sigma = tape.scalar(-1.0);
        Value lp = normal(constant(REAL), constant(0.0), sigma);
        assertThat(lp.doubleValue()).isEqualTo(Double.NEGATIVE_INFINITY);
        tape.backward(lp);
        assertThat(sigma.gradient()).containsExactly(0.0);
        assertThat(gamma(constant(POSITIVE), 0.0, 1.0).doubleValue()).isEqualTo(Double.NEGATIVE_INFINITY);
        assertThat(studentT(constant(REAL), Double.POSITIVE_INFINITY, 0.0, 1.0).doubleValue())
                .isEqualTo(Double.NEGATIVE_INFINITY);
        assertThat(normal(constant(REAL), Double.NaN, 1.0).doubleValue()).isEqualTo(Double.NEGATIVE_INFINITY);
        assertThat(uniform(constant(REAL), 2.0, 1.0).doubleValue()).isEqualTo(Double.NEGATIVE_INFINITY);
        assertThat(uniform(constant(5.0), 0.0, 1.0).doubleValue()).isEqualTo(Double.NEGATIVE_INFINITY);
        assertThat(negBinomial2Log(new int[] {1}, constant(0.0), 0.0).doubleValue())
                .isEqualTo(Double.NEGATIVE_INFINITY);
        // A parameter outcome outside the support (e.g. an underflowed transform) is −∞ too.
        assertThat(beta(new Tape().scalar(1.0), 2.0, 2.0).doubleValue()).isEqualTo(Double.NEGATIVE_INFINITY);
    }

    @Test
    void dataOutsideTheSupportIsAnErrorNamingTheDensityAndIndex() {
        assertThatThrownBy(() -> beta(constant(0.2, 1.5), 1.0, 1.0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("beta: outcome y[1] = 1.5 is outside the support (0, 1)");
        assertThatThrownBy(() -> poissonLog(new int[] {2, -1}, constant(0.0)))
                .hasMessage("poisson_log: outcome y[1] = -1 is negative; counts are 0, 1, 2, ...");
        assertThatThrownBy(() -> gamma(constant(1.0, 0.0, 2.0), 1.0, 1.0)).hasMessageContaining("gamma: outcome y[1]");
        assertThatThrownBy(() -> bernoulliLogit(new int[] {0, 2}, constant(0.0)))
                .hasMessage("bernoulli_logit: outcome y[1] = 2 is not 0 or 1");
        assertThatThrownBy(() -> binomialLogit(new int[] {6}, 5, constant(0.0))).hasMessageContaining("outside [0, 5]");
        assertThatThrownBy(() -> categoricalLogit(3, constant(1.0, 2.0, 3.0))).hasMessageContaining("numbered from 0");
        assertThatThrownBy(() -> normal(constant(1.0, Double.NaN), 0.0, 1.0))
                .hasMessageContaining("normal: outcome y[1] = NaN");
        assertThatThrownBy(() -> normal(constant(REAL), constant(1.0, 2.0), constant(1.0)))
                .hasMessage("normal: mu has shape [2] where [3] or a single value is needed");
        assertThatThrownBy(() -> poissonLog(new int[] {1, 2}, constant(REAL))).hasMessageContaining("2 outcomes");
    }

    @Test
    void aDensityRecordsOneValueWhateverTheNumberOfElements() {
        Tape tape = new Tape();
        Value mu = tape.variable(new double[1000]);
        Value sigma = tape.scalar(1.5);
        int before = tape.size();
        normal(constant(new double[1000]), mu, sigma);
        poissonLog(new int[1000], mu);
        assertThat(tape.size() - before).isEqualTo(2);
    }

    @Test
    void logitDensitiesStayFiniteForExtremeLogits() {
        assertThat(bernoulliLogit(new int[] {1, 0}, constant(800.0, -800.0)).doubleValue())
                .isZero();
        assertClose(bernoulliLogit(new int[] {0, 1}, constant(800.0, -800.0)).doubleValue(), -1600.0);
        assertClose(binomialLogit(new int[] {2}, 5, constant(-700.0)).doubleValue(), Math.log(10.0) - 2 * 700.0);
        assertClose(
                negBinomial2Log(new int[] {3}, constant(800.0), 2.0).doubleValue(),
                negativeBinomialAtLargeMean(3, 800.0, 2.0));
    }

    /** The neg_binomial_2_log log probability for a log mean so large that e^η overflows: μ + φ ≈ μ. */
    private static double negativeBinomialAtLargeMean(int y, double eta, double phi) {
        return Gamma.logGamma(y + phi)
                - Gamma.logGamma(y + 1.0)
                - Gamma.logGamma(phi)
                + phi * Math.log(phi)
                - phi * eta;
    }

    @Test
    void poissonHandlesAZeroRate() {
        assertThat(poissonLog(0, constant(Double.NEGATIVE_INFINITY)).doubleValue())
                .isZero();
        assertThat(poissonLog(2, constant(Double.NEGATIVE_INFINITY)).doubleValue())
                .isEqualTo(Double.NEGATIVE_INFINITY);
    }

    /** The vector {@code v} viewed as a {@code [rows, cols]} matrix, on its tape. */
    static Value matrix(Value v, int rows, int cols) {
        return Value.derive(
                new int[] {rows, cols},
                v.toArray(),
                g -> {
                    if (v.adjoint() != null) {
                        for (int i = 0; i < g.length; i++) {
                            v.adjoint()[i] += g[i];
                        }
                    }
                },
                v);
    }
}
