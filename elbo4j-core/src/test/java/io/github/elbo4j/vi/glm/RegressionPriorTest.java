package io.github.elbo4j.vi.glm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDManager;
import io.github.elbo4j.math.SpecialFunctions;
import org.hipparchus.distribution.continuous.CauchyDistribution;
import org.hipparchus.distribution.continuous.ExponentialDistribution;
import org.hipparchus.distribution.continuous.NormalDistribution;
import org.hipparchus.distribution.continuous.TDistribution;
import org.hipparchus.special.Gamma;
import org.junit.jupiter.api.Test;

class RegressionPriorTest {

    private static double logDensity(RegressionPrior prior, double x, boolean positive) {
        try (NDManager m = NDManager.newBaseManager()) {
            return prior.logDensity(m.create(new double[] {x}), positive).toDoubleArray()[0];
        }
    }

    @Test
    void densitiesMatchHipparchus() {
        assertThat(logDensity(RegressionPrior.parse("normal(1, 2.5)"), -0.7, false))
                .isCloseTo(new NormalDistribution(1, 2.5).logDensity(-0.7), within(1e-12));
        assertThat(logDensity(RegressionPrior.parse("cauchy(0,2.5)"), 3.1, false))
                .isCloseTo(new CauchyDistribution(0, 2.5).logDensity(3.1), within(1e-12));
        double z = (0.9 - 0.5) / 2.0;
        assertThat(logDensity(RegressionPrior.parse("student_t(3, 0.5, 2)"), 0.9, false))
                .isCloseTo(new TDistribution(3).logDensity(z) - Math.log(2.0), within(1e-12));
        assertThat(logDensity(RegressionPrior.parse("exponential(0.4)"), 2.2, true))
                .isCloseTo(new ExponentialDistribution(1 / 0.4).logDensity(2.2), within(1e-12));
    }

    @Test
    void halfDistributionsOnPositiveParametersIntegrateToOne() {
        // The half normal doubles the density on (0, ∞).
        assertThat(logDensity(RegressionPrior.parse("normal(0, 3)"), 1.2, true))
                .isCloseTo(new NormalDistribution(0, 3).logDensity(1.2) + Math.log(2), within(1e-12));
        assertThat(logDensity(RegressionPrior.parse("cauchy(0, 2.5)"), 1.2, true))
                .isCloseTo(new CauchyDistribution(0, 2.5).logDensity(1.2) + Math.log(2), within(1e-12));
    }

    @Test
    void rejectsMalformedOrUnsuitablePriors() {
        assertThatThrownBy(() -> RegressionPrior.parse("normal(0)")).hasMessageContaining("takes 2 arguments, got 1");
        assertThatThrownBy(() -> RegressionPrior.parse("gamma(2, 1)")).hasMessageContaining("unknown prior 'gamma'");
        assertThatThrownBy(() -> RegressionPrior.parse("normal(0, -1)")).hasMessageContaining("scale must be positive");
        assertThatThrownBy(() -> RegressionPrior.parse("normal(a, 1)")).hasMessageContaining("'a' is not a number");
        assertThatThrownBy(() -> RegressionPrior.parse("normal 0 1")).hasMessageContaining("cannot read prior");
        assertThatThrownBy(() -> RegressionPrior.parse("normal(1, 1)").checkSupport("sigma", true))
                .hasMessageContaining("must be centred at 0");
        assertThatThrownBy(() -> RegressionPrior.parse("exponential(1)").checkSupport("x1", false))
                .hasMessageContaining("only for positive parameters");
    }

    @Test
    void logGammaMatchesHipparchus() {
        for (double x : new double[] {1e-3, 0.3, 0.5, 1.0, 2.5, 7.0, 31.7, 1234.5}) {
            assertThat(SpecialFunctions.logGamma(x)).isCloseTo(Gamma.logGamma(x), within(1e-12));
        }
    }
}
