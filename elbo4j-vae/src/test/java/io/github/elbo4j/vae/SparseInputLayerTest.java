package io.github.elbo4j.vae;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.elbo4j.data.Batching;
import io.github.elbo4j.data.Dataset;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The sparse first layer against the dense products it replaces: the same floats, bit for bit. */
class SparseInputLayerTest {

    @ParameterizedTest(name = "{0} inputs, {1} outputs, batch {2}")
    @CsvSource({"37, 21, 13", "784, 200, 100", "40, 72, 9", "16, 5, 1"})
    void givesTheDenseProductsExactly(int inputs, int outputs, int batch) {
        SplittableRandom random = new SplittableRandom(inputs * 31L + outputs);
        // About 15% non-zeros, binary and not, some examples all zeros.
        float[] x = new float[batch * inputs];
        for (int b = 1; b < batch; b++) {
            for (int j = 0; j < inputs; j++) {
                double u = random.nextDouble();
                x[b * inputs + j] = u < 0.1 ? 1f : u < 0.15 ? (float) random.nextDouble(-2, 2) : 0f;
            }
        }
        float[] p = fill(new float[3 + outputs * inputs], random);
        int weight = 3;
        float[] deltaRows = fill(new float[batch * outputs], random);

        SparseInputLayer layer = new SparseInputLayer(inputs, outputs, batch + 2);
        assertThat(layer.index(x, batch)).isTrue();
        float[] preRows = new float[batch * outputs];
        layer.preActivations(p, weight, x, batch, preRows);
        float[] gradient = fill(new float[5 + outputs * inputs], random);
        float[] before = gradient.clone();
        layer.weightGradient(x, deltaRows, gradient, 5);

        // Dense: pre = W·xᵀ as the fused step computes it, feature-major, then compared batch-major.
        int ld = (batch + 7) / 8 * 8;
        float[] xT = new float[inputs * ld];
        Transpose.copy(x, 0, inputs, batch, inputs, xT, 0, ld);
        float[] preT = new float[outputs * ld];
        Gemm.multiply(p, weight, inputs, 1, xT, 0, ld, preT, 0, ld, outputs, inputs, ld, false);
        float[] densePreRows = new float[batch * outputs];
        Transpose.copy(preT, 0, ld, outputs, batch, densePreRows, 0, outputs);
        assertThat(preRows).containsExactly(densePreRows);

        float[] deltaT = new float[outputs * ld];
        Transpose.copy(deltaRows, 0, outputs, batch, outputs, deltaT, 0, ld);
        float[] denseGradient = before.clone();
        Gemm.multiply(deltaT, 0, ld, 1, x, 0, inputs, denseGradient, 5, inputs, outputs, batch, inputs, false);
        assertThat(gradient).containsExactly(denseGradient);
    }

    @Test
    void takesTheSparsePathForImagesAndNotForDenseInputs() {
        Dataset shapes = SmallData.shapes(64, 5);
        int[] order = new int[40];
        Arrays.setAll(order, i -> i);
        float[] x = Batching.gather(shapes, order, 0, 40);
        SparseInputLayer layer = new SparseInputLayer(784, 16, 40);
        // FusedElboStepTest's shapes batches therefore check the sparse path against autograd.
        assertThat(layer.index(x, 40)).isTrue();
        for (int i = 0; i < x.length; i++) {
            x[i] = 1 - x[i];
        }
        assertThat(layer.index(x, 40)).isFalse();
    }

    private static float[] fill(float[] values, SplittableRandom random) {
        for (int i = 0; i < values.length; i++) {
            values[i] = (float) random.nextDouble(-1, 1);
        }
        return values;
    }
}
