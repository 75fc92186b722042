package io.github.elbo4j.vi.autodiff;

import static io.github.elbo4j.vi.autodiff.Functions.hmmMarginal;
import static io.github.elbo4j.vi.autodiff.Functions.softmax;
import static io.github.elbo4j.vi.autodiff.Functions.stackRows;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class HiddenMarkovTest {

    /** Log emissions of 3 states over 4 steps, row by row, then 3 × 3 transition logits, then 3 initial logits. */
    private static final double[] POINT = {
        -1.2, 0.3, -2.0, -0.4, 0.5, -3.1, -0.2, -1.7, -0.9, -0.6, 0.8, -2.5, 0.2, -0.5, 1.1, -1.0, 0.4, 0.0, 0.3, 0.7,
        -0.8, 0.1, -0.3, 0.6
    };

    private static Value marginalAt(Value x) {
        Value logOmega = FunctionsTest.reshape(x.slice(0, 12), 3, 4);
        Value gamma = stackRows(softmax(x.slice(12, 15)), softmax(x.slice(15, 18)), softmax(x.slice(18, 21)));
        return hmmMarginal(logOmega, gamma, softmax(x.slice(21, 24)));
    }

    @Test
    void theMarginalIsTheSumOverEveryPathOfStates() {
        Value x = Value.constant(POINT);
        double[] omega = x.slice(0, 12).toArray();
        double[][] gamma = new double[3][];
        for (int j = 0; j < 3; j++) {
            gamma[j] = softmax(x.slice(12 + 3 * j, 15 + 3 * j)).toArray();
        }
        double[] rho = softmax(x.slice(21, 24)).toArray();
        double total = 0.0;
        for (int path = 0; path < 81; path++) {
            int[] z = {path % 3, path / 3 % 3, path / 9 % 3, path / 27};
            double p = rho[z[0]] * Math.exp(omega[z[0] * 4]);
            for (int t = 1; t < 4; t++) {
                p *= gamma[z[t - 1]][z[t]] * Math.exp(omega[z[t] * 4 + t]);
            }
            total += p;
        }
        assertThat(marginalAt(x).doubleValue()).isCloseTo(Math.log(total), within(1e-13));
    }

    @Test
    void itsGradientMatchesFiniteDifferences() {
        GradientCheck.check(HiddenMarkovTest::marginalAt, POINT);
        // one time step, and emissions so large that unscaled probabilities would overflow
        double[] shifted = POINT.clone();
        for (int i = 0; i < 12; i++) {
            shifted[i] += 800.0;
        }
        assertThat(marginalAt(Value.constant(shifted)).doubleValue())
                .isCloseTo(marginalAt(Value.constant(POINT)).doubleValue() + 4 * 800.0, within(1e-9));
        GradientCheck.check(
                x -> hmmMarginal(
                        FunctionsTest.reshape(x.slice(0, 2), 2, 1),
                        stackRows(softmax(x.slice(2, 4)), softmax(x.slice(4, 6))),
                        softmax(x.slice(6, 8))),
                0.3,
                -1.0,
                0.2,
                0.5,
                -0.4,
                0.9,
                1.2,
                0.1);
    }

    @Test
    void impossibleObservationsGiveMinusInfinityAndBadArgumentsAreNamed() {
        Value identity = Value.constant(new double[][] {{1, 0}, {0, 1}});
        Value half = Value.constant(0.5, 0.5);
        Value logOmega =
                Value.constant(new double[][] {{0.0, Double.NEGATIVE_INFINITY}, {Double.NEGATIVE_INFINITY, 0.0}});
        assertThat(hmmMarginal(logOmega, identity, half).doubleValue()).isEqualTo(Double.NEGATIVE_INFINITY);
        assertThatThrownBy(() -> hmmMarginal(logOmega, Value.constant(new double[][] {{1, 0}, {-0.1, 1.1}}), half))
                .hasMessage("hmmMarginal: Gamma[1, 0] = -0.1; transition and initial weights must be finite and"
                        + " non-negative");
        assertThatThrownBy(() -> hmmMarginal(logOmega, identity, Value.constant(1.0, 0.0, 0.0)))
                .hasMessage("hmmMarginal: rho must hold 2 initial weights for 2 states, got shape [3]");
        assertThatThrownBy(() -> hmmMarginal(Value.constant(0.0, 1.0), identity, half))
                .hasMessageStartingWith("hmmMarginal: logOmega must be a [K, N] matrix");
        assertThatThrownBy(() -> stackRows(half, Value.constant(1.0, 2.0, 3.0)))
                .hasMessage("stackRows: row 1 has shape [3], row 0 has 2 elements; rows must be vectors of one length");
    }
}
