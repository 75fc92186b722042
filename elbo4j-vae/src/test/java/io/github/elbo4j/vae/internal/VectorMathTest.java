package io.github.elbo4j.vae.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.function.DoubleUnaryOperator;
import java.util.function.UnaryOperator;
import jdk.incubator.vector.FloatVector;
import org.junit.jupiter.api.Test;

/**
 * The vector exp, e^{−a}, log, tanh, softplus and logistic function against {@link Math} in double
 * precision, over wide grids.
 */
class VectorMathTest {

    private static final int V = VectorMath.S.length();

    @Test
    void expIsAccurateToAFewUlps() {
        assertThat(maxRelativeError(VectorMath::exp, Math::exp, -87, 88)).isLessThan(3e-7);
    }

    @Test
    void expOfMinusIsAccurateToAFewUlpsWhereItIsNotSmall() {
        assertThat(maxRelativeError(VectorMath::expOfMinus, a -> Math.exp(-a), 0, 4))
                .isLessThan(3e-7);
        assertThat(maxRelativeError(VectorMath::expOfMinus, a -> Math.exp(-a), 0, 0.01))
                .isLessThan(3e-7);
        // Farther out the float product a·log₂e carries the error, 7e-8 relative per unit of a,
        // on values below e⁻⁴.
        assertThat(maxRelativeError(VectorMath::expOfMinus, a -> Math.exp(-a), 0, 87))
                .isLessThan(6e-6);
        assertThat(apply(VectorMath::expOfMinus, 0f)).isEqualTo(1f);
        assertThat(apply(VectorMath::expOfMinus, 200f)).isEqualTo(0x1p-126f);
    }

    @Test
    void logIsAccurateToAFewUlpsAboveOneAndAbsolutelyBelow() {
        assertThat(maxRelativeError(VectorMath::log, Math::log, 1, 1.9)).isLessThan(3e-7);
        assertThat(maxRelativeError(VectorMath::log, Math::log, 1, 1.8e19)).isLessThan(3e-7);
        // Below 1 the exponent's −ln 2 and the mantissa's log cancel: accurate to a few ulps of ln 2.
        assertThat(maxRelativeError(x -> VectorMath.log(x).add(1f), x -> Math.log(x) + 1, 0.6, 1))
                .isLessThan(3e-7);
        assertThat(maxRelativeError(VectorMath::log, Math::log, 1e-30, 1e-3)).isLessThan(3e-7);
        assertThat(apply(VectorMath::log, 1f)).isEqualTo(0f);
    }

    @Test
    void tanhIsAccurateNearZeroAndWithinAFewUlpsOfOneFarOut() {
        assertThat(maxRelativeError(VectorMath::tanh, Math::tanh, -0.3, 0.3)).isLessThan(3e-7);
        assertThat(maxRelativeError(VectorMath::tanh, Math::tanh, -20, 20)).isLessThan(3e-7);
        // Below 4e-4 tanh x rounds to x: the ratio's constant terms keep it within an ulp.
        assertThat(Math.abs(apply(VectorMath::tanh, 1e-30f) - 1e-30f)).isLessThanOrEqualTo(Math.ulp(1e-30f));
        assertThat(Math.abs(apply(VectorMath::tanh, -3e-4f) + 3e-4f)).isLessThanOrEqualTo(Math.ulp(3e-4f));
        assertThat(apply(VectorMath::tanh, -0f)).isEqualTo(-0f);
        // Far out it is the ratio at the clamp, ±(1 − 2.4e-7): 4 float ulps short of ±1.
        assertThat(apply(VectorMath::tanh, 100f)).isBetween(1f - 3e-7f, 1f);
        assertThat(apply(VectorMath::tanh, -100f)).isBetween(-1f, -1f + 3e-7f);
        assertThat(apply(VectorMath::tanh, Float.MAX_VALUE)).isEqualTo(apply(VectorMath::tanh, 100f));
    }

    @Test
    void softplusAndSigmoidFromTheSharedExponential() {
        UnaryOperator<FloatVector> softplus =
                l -> VectorMath.softplus(l, VectorMath.exp(l.abs().neg()));
        UnaryOperator<FloatVector> sigmoid =
                l -> VectorMath.sigmoid(l, VectorMath.exp(l.abs().neg()));
        assertThat(maxRelativeError(softplus, l -> Math.log1p(Math.exp(l)), -80, 80))
                .isLessThan(3e-7);
        assertThat(maxRelativeError(sigmoid, l -> 1 / (1 + Math.exp(-l)), -80, 80))
                .isLessThan(3e-7);
        assertThat(apply(softplus, 200f)).isEqualTo(200f);
        assertThat(apply(sigmoid, 200f)).isEqualTo(1f);
    }

    private static double maxRelativeError(
            UnaryOperator<FloatVector> f, DoubleUnaryOperator exact, double from, double to) {
        int n = 200_000;
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = (float) (from + (to - from) * i / (n - 1));
        }
        double worst = 0;
        float[] y = new float[V];
        for (int i = 0; i < n; i += V) {
            f.apply(FloatVector.fromArray(VectorMath.S, x, i)).intoArray(y, 0);
            for (int j = 0; j < V; j++) {
                double e = exact.applyAsDouble(x[i + j]);
                worst = Math.max(worst, Math.abs(y[j] - e) / Math.max(Math.abs(e), Float.MIN_NORMAL));
            }
        }
        return worst;
    }

    private static float apply(UnaryOperator<FloatVector> f, float x) {
        return f.apply(FloatVector.broadcast(VectorMath.S, x)).lane(0);
    }
}
