package io.github.elbo4j.math;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import io.github.elbo4j.testing.Samples;
import org.junit.jupiter.api.Test;

class SpecialFunctionsTest {

    @Test
    void log1pIsAccurateBelowMachineEpsilon() {
        double[] ys = {1e-12, 3e-9, 1e-7, 1e-4, 0.3, 1.0, 7.5, -0.5, -1e-9};
        try (NDManager m = NDManager.newBaseManager()) {
            float[] f = new float[ys.length];
            for (int i = 0; i < ys.length; i++) {
                f[i] = (float) ys[i];
            }
            double[] out = Samples.toDoubles(SpecialFunctions.log1p(m.create(f)));
            for (int i = 0; i < ys.length; i++) {
                double expected = Math.log1p(f[i]);
                assertThat(out[i]).as("log1p(%s)", f[i]).isCloseTo(expected, within(2e-7 * Math.abs(expected)));
            }
        }
    }

    @Test
    void softplusIsFiniteAndAccurateForExtremeLogits() {
        double[] ls = {-1e4, -100, -20, -3, -1e-3, 0, 1e-3, 3, 20, 100, 1e4};
        try (NDManager m = NDManager.newBaseManager()) {
            float[] f = new float[ls.length];
            for (int i = 0; i < ls.length; i++) {
                f[i] = (float) ls[i];
            }
            double[] out = Samples.toDoubles(SpecialFunctions.softplus(m.create(f)));
            for (int i = 0; i < ls.length; i++) {
                double expected = SpecialFunctions.softplus((double) f[i]);
                assertThat(out[i]).as("softplus(%s)", f[i]).isFinite();
                assertThat(out[i])
                        .as("softplus(%s)", f[i])
                        .isCloseTo(expected, within(2e-7 * Math.abs(expected) + 2.0 * Float.MIN_VALUE));
            }
        }
    }

    @Test
    void softplusDerivativeIsSigmoidIncludingAtZero() {
        float[] ls = {-30f, -2f, 0f, 0.5f, 30f};
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray l = m.create(ls);
            l.setRequiresGradient(true);
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                gc.backward(SpecialFunctions.softplus(l).sum());
            }
            double[] grad = Samples.toDoubles(l.getGradient());
            for (int i = 0; i < ls.length; i++) {
                double sigmoid = 1.0 / (1.0 + Math.exp(-ls[i]));
                assertThat(grad[i]).as("d softplus/dl at %s", ls[i]).isCloseTo(sigmoid, within(1e-6 + 1e-6 * sigmoid));
            }
        }
    }

    @Test
    void logSigmoidMatchesDoubleFormula() {
        float[] ls = {-1e4f, -50f, -1f, 0f, 1f, 50f, 1e4f};
        try (NDManager m = NDManager.newBaseManager()) {
            double[] out = Samples.toDoubles(SpecialFunctions.logSigmoid(m.create(ls)));
            for (int i = 0; i < ls.length; i++) {
                double expected = -SpecialFunctions.softplus(-(double) ls[i]);
                assertThat(out[i]).isCloseTo(expected, within(1e-6 * Math.max(1, Math.abs(expected))));
            }
        }
    }

    @Test
    void constantsHaveTheirDefiningValues() {
        assertThat(SpecialFunctions.LOG_2PI).isEqualTo(Math.log(2 * Math.PI));
        assertThat(SpecialFunctions.HALF_LOG_2PI).isCloseTo(0.9189385332046727, within(1e-15));
        assertThat(SpecialFunctions.STANDARD_NORMAL_ENTROPY).isCloseTo(1.4189385332046727, within(1e-15));
    }

    @Test
    void scalarKeepsTheArgumentsPrecisionInEngineOwnedMemory() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray f32 = m.create(1f);
            NDArray f64 = m.create(1.0);
            assertThat(SpecialFunctions.scalar(f32, 0.1).getDataType())
                    .isEqualTo(ai.djl.ndarray.types.DataType.FLOAT32);
            assertThat(SpecialFunctions.scalar(f64, 0.1).getDataType())
                    .isEqualTo(ai.djl.ndarray.types.DataType.FLOAT64);
            assertThat(SpecialFunctions.scalar(f64, 0.1).getDouble()).isEqualTo(0.1);
            assertThat(f32.add(SpecialFunctions.scalar(f32, 0.1)).getDataType())
                    .isEqualTo(ai.djl.ndarray.types.DataType.FLOAT32);
            // The constant survives a garbage collection of whatever JVM buffer it was built from.
            NDArray half = SpecialFunctions.scalar(f32, 0.5);
            System.gc();
            assertThat(half.getFloat()).isEqualTo(0.5f);
        }
    }
}
