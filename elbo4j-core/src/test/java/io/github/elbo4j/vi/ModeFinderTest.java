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

    /**
     * A mixture of N(0, a²) and N(2, 0.6²) with weights w and 1 − w: the origin is the first mode,
     * random starts above about 1 reach the second. The higher mode is kept, and the
     * other counted only when it carries a real share of the mass.
     */
    private static JavaModel mixture(double w, double a) {
        return JavaModel.reals(1, (z, gradient) -> {
            double first = Math.log(w / a) - 0.5 * Math.pow(z[0] / a, 2);
            double b = Math.log((1 - w) / 0.6) - 0.5 * Math.pow((z[0] - 2) / 0.6, 2);
            double top = Math.max(first, b);
            double pa = Math.exp(first - top);
            double pb = Math.exp(b - top);
            if (gradient != null) {
                gradient[0] = (pa * -z[0] / (a * a) + pb * -(z[0] - 2) / 0.36) / (pa + pb);
            }
            return top + Math.log(pa + pb);
        });
    }

    @Test
    void keepsTheHighestModeOfSeveralStartsAndCountsTheModesThatCarryMass() {
        Mode twoModes = ModeFinder.find(mixture(0.2, 0.3).unconstrainedDensity(), 1, new SplittableRandom(3));
        assertThat(twoModes.point()[0]).isCloseTo(2, within(1e-3));
        assertThat(twoModes.modes()).isEqualTo(2);

        Mode again = ModeFinder.find(mixture(0.2, 0.3).unconstrainedDensity(), 1, new SplittableRandom(3));
        assertThat(again.point()).as("deterministic for a seed").containsExactly(twoModes.point());
    }

    @Test
    void aFitOnATwoModePosteriorSaysItIsUnreliable() {
        VariationalPosterior fit = GaussianVi.fit(
                mixture(0.4, 0.3), ViConfig.builder().method(ViMethod.LAPLACE).build());
        assertThat(fit.reliable()).isFalse();
        assertThat(fit.reliabilityReasons()).anyMatch(r -> r.contains("2 distinct modes"));
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
