package io.github.elbo4j.elbo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class GaussianElboTest {

    @Test
    void elboIsZeroAtTheOriginWithUnitScale() {
        assertThat(GaussianElbo.singleSample(new double[] {0, 0}, new double[] {0, 0}, new double[] {0, 0}))
                .isCloseTo(0.0, within(1e-6));
    }

    @Test
    void elboIsReconstructionMinusTheDesignKlValues() {
        // μ = [1, 0], σ² = [0.5, 2] ⇒ KL = 0.75; with x = μ the reconstruction term vanishes.
        double[] mu = {1, 0};
        double[] logSigma = {0.5 * Math.log(0.5), 0.5 * Math.log(2)};
        assertThat(GaussianElbo.singleSample(mu, logSigma, mu)).isCloseTo(-0.75, within(1e-6));
        // μ = [2, 0], σ² = [0.25, 4] ⇒ KL = 3.125; x − μ = [1, −2] ⇒ reconstruction = −2.5
        double[] mu2 = {2, 0};
        double[] logSigma2 = {Math.log(0.5), Math.log(2)};
        assertThat(GaussianElbo.singleSample(mu2, logSigma2, new double[] {3, -2}))
                .isCloseTo(-2.5 - 3.125, within(1e-6));
    }

    @Test
    void rejectsMismatchedLengths() {
        assertThatThrownBy(() -> GaussianElbo.singleSample(new double[2], new double[2], new double[3]))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("same length");
    }
}
