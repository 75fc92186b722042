package io.github.elbo4j.math;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import io.github.elbo4j.testing.Samples;
import org.junit.jupiter.api.Test;

class LogSumExpTest {

    @Test
    void matchesNaiveFormulaWhereNaiveIsSafe() {
        try (NDManager m = NDManager.newBaseManager()) {
            Engine.getInstance().setRandomSeed(11);
            NDArray x = m.randomNormal(0f, 3f, new Shape(7, 5), ai.djl.ndarray.types.DataType.FLOAT32);
            double[] values = Samples.toDoubles(x);
            double[] rows = Samples.toDoubles(LogSumExp.logSumExp(x, 1));
            double[] cols = Samples.toDoubles(LogSumExp.logSumExp(x, 0));
            assertThat(rows).hasSize(7);
            assertThat(cols).hasSize(5);
            for (int i = 0; i < 7; i++) {
                double naive = 0.0;
                for (int j = 0; j < 5; j++) {
                    naive += Math.exp(values[i * 5 + j]);
                }
                assertThat(rows[i]).isCloseTo(Math.log(naive), within(1e-5 * Math.max(1, Math.abs(Math.log(naive)))));
            }
            for (int j = 0; j < 5; j++) {
                double naive = 0.0;
                for (int i = 0; i < 7; i++) {
                    naive += Math.exp(values[i * 5 + j]);
                }
                assertThat(cols[j]).isCloseTo(Math.log(naive), within(1e-5 * Math.max(1, Math.abs(Math.log(naive)))));
            }
        }
    }

    @Test
    void staysFiniteForHugeValuesWhereNaiveOverflows() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray x = m.create(new float[] {1e4f, 1e4f, -1e4f, 1e4f - 1f});
            double expected = 1e4 + Math.log(2.0 + Math.exp(-1.0));
            assertThat(x.exp().sum().getFloat()).isInfinite();
            assertThat(LogSumExp.logSumExp(x, 0).getFloat()).isCloseTo((float) expected, within(2e-3f));
            NDArray y = m.create(new float[] {-1e4f, -1e4f});
            assertThat(LogSumExp.logSumExp(y, -1).getFloat()).isCloseTo((float) (-1e4 + Math.log(2.0)), within(2e-3f));
        }
    }

    @Test
    void handlesNegativeInfinityEntriesAndRows() {
        try (NDManager m = NDManager.newBaseManager()) {
            float ninf = Float.NEGATIVE_INFINITY;
            NDArray x = m.create(new float[][] {{ninf, 0f, 0f}, {ninf, ninf, ninf}, {1f, ninf, 2f}});
            double[] out = Samples.toDoubles(LogSumExp.logSumExp(x, 1));
            assertThat(out[0]).isCloseTo(Math.log(2.0), within(1e-6));
            assertThat(out[1]).isEqualTo(Double.NEGATIVE_INFINITY);
            assertThat(out[2]).isCloseTo(Math.log(Math.exp(1) + Math.exp(2)), within(1e-6));
            double[] mean = Samples.toDoubles(LogSumExp.logMeanExp(x, 1));
            assertThat(mean[0]).isCloseTo(Math.log(2.0 / 3.0), within(1e-6));
            assertThat(mean[1]).isEqualTo(Double.NEGATIVE_INFINITY);
        }
    }

    @Test
    void positiveInfinityDominates() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray x = m.create(new float[] {Float.POSITIVE_INFINITY, 1f, Float.NEGATIVE_INFINITY});
            assertThat(LogSumExp.logSumExp(x, 0).getFloat()).isEqualTo(Float.POSITIVE_INFINITY);
        }
    }

    @Test
    void logMeanExpSubtractsLogCount() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray x = m.create(new float[][] {{0f, 0f, 0f, 0f}, {1f, 2f, 3f, 4f}});
            double[] out = Samples.toDoubles(LogSumExp.logMeanExp(x, -1));
            assertThat(out[0]).isCloseTo(0.0, within(1e-7));
            assertThat(out[1])
                    .isCloseTo(Math.log((Math.exp(1) + Math.exp(2) + Math.exp(3) + Math.exp(4)) / 4), within(1e-6));
        }
    }

    @Test
    void gradientIsSoftmax() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray x = m.create(new float[] {1f, 2f, 3f, 0f});
            x.setRequiresGradient(true);
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                gc.backward(LogSumExp.logSumExp(x, 0));
            }
            double[] grad = Samples.toDoubles(x.getGradient());
            double z = Math.exp(1) + Math.exp(2) + Math.exp(3) + 1.0;
            double[] expected = {Math.exp(1) / z, Math.exp(2) / z, Math.exp(3) / z, 1.0 / z};
            for (int i = 0; i < 4; i++) {
                assertThat(grad[i]).isCloseTo(expected[i], within(1e-6));
            }
        }
    }

    @Test
    void doubleVersionsAreStableAndHandleInfinities() {
        assertThat(LogSumExp.logSumExp(new double[] {1000, 1000})).isCloseTo(1000 + Math.log(2), within(1e-12));
        assertThat(LogSumExp.logSumExp(new double[] {-1000, -1000})).isCloseTo(-1000 + Math.log(2), within(1e-12));
        assertThat(LogSumExp.logSumExp(new double[] {Double.NEGATIVE_INFINITY, 0.0}))
                .isEqualTo(0.0);
        assertThat(LogSumExp.logSumExp(new double[] {Double.NEGATIVE_INFINITY})).isEqualTo(Double.NEGATIVE_INFINITY);
        assertThat(LogSumExp.logSumExp(new double[] {Double.NaN, 0.0})).isNaN();
        assertThat(LogSumExp.logMeanExp(new double[] {0.5, 0.5, 0.5})).isCloseTo(0.5, within(1e-15));
        double naive = Math.log(Math.exp(0.3) + Math.exp(-1.2) + Math.exp(2.5));
        assertThat(LogSumExp.logSumExp(new double[] {0.3, -1.2, 2.5})).isCloseTo(naive, within(1e-14));
    }

    @Test
    void rejectsBadAxesWithAMessage() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray x = m.zeros(new Shape(2, 3));
            assertThatThrownBy(() -> LogSumExp.logSumExp(x, 2))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("axis 2 is out of range for a tensor of rank 2");
            NDArray empty = m.zeros(new Shape(2, 0));
            assertThatThrownBy(() -> LogSumExp.logSumExp(empty, 1))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("empty");
        }
        assertThatThrownBy(() -> LogSumExp.logMeanExp(new double[0]))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("empty");
    }
}
