package io.github.elbo4j.vi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.github.elbo4j.vi.fit.Mode;
import io.github.elbo4j.vi.fit.ModeFinder;

import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;

class ModeFinderTest {

    /**
     * f(z) = −√(1 + (z − 4)²), a pseudo-Huber bump whose gradient saturates at ±1 far from the mode,
     * so L-BFGS's secant steps overshoot; f is NaN for z &lt; 1, including the origin. The search
     * must start elsewhere and reject every trial step into the NaN region.
     */
    @Test
    void survivesALogDensityThatIsNaNInPartOfTheSpace() {
        int[] nanCalls = {0};
        JavaModel model = JavaModel.reals(1, (z, gradient) -> {
            if (z[0] < 1) {
                nanCalls[0]++;
                if (gradient != null) {
                    gradient[0] = Double.NaN;
                }
                return Double.NaN;
            }
            double d = z[0] - 4;
            double root = Math.sqrt(1 + d * d);
            if (gradient != null) {
                gradient[0] = -d / root;
            }
            return -root;
        });
        Mode mode = ModeFinder.find(model.unconstrainedDensity(), 1, new SplittableRandom(1));
        assertThat(mode.found()).isTrue();
        assertThat(mode.point()[0]).isCloseTo(4, within(1e-6));
        assertThat(mode.covariance()[0][0]).isCloseTo(1, within(1e-4));
        assertThat(nanCalls[0]).as("the origin was tried and rejected").isPositive();
    }

    @Test
    void aLogDensityThatIsNeverFiniteIsOneLineError() {
        JavaModel model = JavaModel.reals(2, (z, gradient) -> Double.NaN);
        assertThatThrownBy(() -> GaussianVi.fit(model, ViConfig.builder().build()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("not finite at any of 20 initial points")
                .hasMessageNotContaining("\n");
    }
}
