package io.github.elbo4j.math;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class GaussHermiteTest {

    /** E[t^k] for t ~ N(0, 1): 0 for odd k, (k − 1)!! for even k. */
    private static double normalMoment(int k) {
        if (k % 2 == 1) {
            return 0;
        }
        double product = 1;
        for (int j = k - 1; j > 1; j -= 2) {
            product *= j;
        }
        return product;
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 3, 5, 8, 16, 20, 32})
    void integratesEveryPolynomialUpToDegree2GMinus1Exactly(int g) {
        GaussHermite rule = GaussHermite.of(g);
        for (int k = 0; k <= 2 * g - 1; k++) {
            double sum = 0;
            double scale = 0;
            for (int i = 0; i < g; i++) {
                double term = rule.weight(i) * Math.pow(rule.node(i), k);
                sum += term;
                scale += Math.abs(term);
            }
            // Odd moments cancel to rounding of the largest term; even ones agree relatively.
            assertThat(sum)
                    .as("G = %d, degree %d", g, k)
                    .isCloseTo(normalMoment(k), within(1e-12 * Math.max(1, scale)));
        }
    }

    @Test
    void beyondDegree2GTheRuleIsNoLongerExact() {
        GaussHermite rule = GaussHermite.of(3);
        double sixth = 0;
        for (int i = 0; i < 3; i++) {
            sixth += rule.weight(i) * Math.pow(rule.node(i), 6);
        }
        assertThat(sixth).isNotCloseTo(normalMoment(6), within(1.0));
    }

    @Test
    void nodesAreIncreasingAndSymmetricWithPositiveWeights() {
        GaussHermite rule = GaussHermite.of(16);
        double[] nodes = rule.nodes();
        double[] weights = rule.weights();
        for (int i = 0; i < 16; i++) {
            assertThat(weights[i]).isPositive();
            assertThat(nodes[i]).isCloseTo(-nodes[15 - i], within(1e-14));
            assertThat(weights[i]).isCloseTo(weights[15 - i], within(1e-16));
            if (i > 0) {
                assertThat(nodes[i]).isGreaterThan(nodes[i - 1]);
            }
        }
        // The largest root of He_16 (Abramowitz and Stegun 25.4.46, scaled by √2).
        assertThat(nodes[15]).isCloseTo(4.688738939305818364688 * Math.sqrt(2), within(1e-12));
        assertThatThrownBy(() -> GaussHermite.of(0)).hasMessageContaining("at least one node");
    }

    /**
     * E[softplus(μ + r t)] against a trapezoid rule with step 0.001 on [−40, 40], which converges
     * geometrically for this smooth integrand and is accurate to about 1e-14. The tolerances are
     * the errors measured for 16 nodes, rounded up: the rule is exact to rounding for the small r of
     * a regression's linear predictors, and loses digits as r grows (softplus has poles at ±iπ).
     */
    @ParameterizedTest
    @CsvSource({
        "-3, 0.1, 1e-12",
        "0, 0.3, 1e-12",
        "0.5, 0.3, 1e-12",
        "2, 0.3, 1e-12",
        "0, 1, 1e-8",
        "-3, 1, 1e-8",
        "0, 2, 1e-4",
        "2, 2, 1e-4",
        "0, 5, 1e-2"
    })
    void softplusExpectationMatchesAFineTrapezoidRule(double mu, double r, double relativeTolerance) {
        GaussHermite rule = GaussHermite.of(16);
        double quadrature = 0;
        for (int k = 0; k < rule.size(); k++) {
            quadrature += rule.weight(k) * SpecialFunctions.softplus(mu + r * rule.node(k));
        }
        double step = 0.001;
        double reference = 0;
        for (int i = -40_000; i <= 40_000; i++) {
            double t = i * step;
            reference += SpecialFunctions.softplus(mu + r * t) * Math.exp(-0.5 * t * t);
        }
        reference *= step / Math.sqrt(2 * Math.PI);
        assertThat(quadrature).isCloseTo(reference, within(relativeTolerance * reference));
    }
}
