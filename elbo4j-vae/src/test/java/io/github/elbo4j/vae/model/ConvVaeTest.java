package io.github.elbo4j.vae.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import io.github.elbo4j.data.Dataset;
import io.github.elbo4j.math.TensorUpload;
import io.github.elbo4j.vae.eval.Evaluator;
import io.github.elbo4j.vae.eval.Generator;
import io.github.elbo4j.vae.eval.LatentSpace;
import io.github.elbo4j.vae.objective.ElboSummary;
import io.github.elbo4j.vae.run.RunDirectory;
import io.github.elbo4j.vae.run.RunManifest;
import io.github.elbo4j.vae.train.ProgressListener;
import io.github.elbo4j.vae.train.SmallData;
import io.github.elbo4j.vae.train.Trainer;
import io.github.elbo4j.vae.train.TrainingConfig;
import io.github.elbo4j.vae.train.TrainingListener;
import io.github.elbo4j.vae.train.TrainingResult;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The convolutional encoder and decoder. */
class ConvVaeTest {

    @TempDir
    java.nio.file.Path dir;

    @Test
    void weightsFollowPyTorchConvLayoutsAndOddMultichannelSizesRoundTrip() {
        // 9 × 13 × 3 images: the sizes go 9×13 → 4×6 → 2×3 and back with output padding.
        VaeConfig config = VaeConfig.builder()
                .inputShape(9, 13, 3)
                .hidden(16)
                .latent(2)
                .conv(4, 8)
                .build();
        ParameterLayout layout = VaeModel.layoutOf(config);
        assertThat(layout.entries())
                .extracting(ParameterLayout.Entry::name)
                .startsWith(
                        "encoder.conv.0.weight",
                        "encoder.conv.0.bias",
                        "encoder.conv.1.weight",
                        "encoder.conv.1.bias",
                        "encoder.hidden.0.weight");
        assertThat(layout.entries().get(0).shape()).containsExactly(4, 3, 4, 4);
        assertThat(layout.entries().get(4).shape()).containsExactly(16, 8 * 2 * 3);
        List<String> names =
                layout.entries().stream().map(ParameterLayout.Entry::name).toList();
        assertThat(names).contains("decoder.project.weight", "decoder.deconv.0.weight", "decoder.out.weight");
        assertThat(layout.entries()
                        .get(names.indexOf("decoder.deconv.0.weight"))
                        .shape())
                .containsExactly(8, 4, 4, 4);
        assertThat(layout.entries().get(names.indexOf("decoder.out.weight")).shape())
                .containsExactly(4, 3, 4, 4);

        SplittableRandom random = new SplittableRandom(1);
        float[] values = new float[40 * 9 * 13 * 3];
        for (int i = 0; i < values.length; i++) {
            values[i] = random.nextDouble() < 0.3 ? 1f : 0f;
        }
        Dataset data = new Dataset("random", values, 40, 9, 13, 3);
        try (NDManager m = NDManager.newBaseManager();
                VaeModel model = VaeModel.initialize(config, m, 1)) {
            TrainingResult result = new Trainer(new TrainingConfig(2, 20, 1e-3, 1), TrainingListener.NONE)
                    .train(model, data, null, null, null);
            assertThat(Double.isFinite(result.elbo())).isTrue();
            float[] reconstruction = new LatentSpace(model, m).reconstruct(data, ProgressListener.NONE);
            assertThat(reconstruction).hasSize(values.length);
            float[][] samples = Generator.samplePrior(model, m, 3, 2);
            assertThat(samples[0]).hasSize(9 * 13 * 3);
        }
        // model.json round trip.
        RunDirectory run = RunDirectory.create(dir.resolve("run"), RunManifest.empty(), config);
        assertThat(run.readModelConfig()).isEqualTo(config);
    }

    @Test
    void aConvVaeLearnsShapes() {
        Dataset train = SmallData.shapes(1000, 101);
        Dataset valid = SmallData.shapes(200, 102);
        VaeConfig config = VaeConfig.builder()
                .inputShape(28, 28)
                .hidden(64)
                .latent(8)
                .conv(8, 16)
                .build();
        try (NDManager m = NDManager.newBaseManager();
                VaeModel model = VaeModel.initialize(config, m, 3)) {
            Evaluator evaluator = new Evaluator(model, m);
            double before = evaluator.elbo(valid, 1).elbo();
            TrainingResult result = new Trainer(new TrainingConfig(4, 50, 3e-3, 3), TrainingListener.NONE)
                    .train(model, train, valid, null, null);
            ElboSummary after = evaluator.elbo(valid, 1);
            assertThat(after.elbo()).isGreaterThan(before + 300);
            assertThat(after.activeUnits()).isGreaterThanOrEqualTo(2);
        }
    }

    /** The transposed convolution against PyTorch's definition of ConvTranspose2d, computed by hand. */
    @Test
    void transposedConvolutionMatchesTheDefinition() {
        TransposedConvolutionCase c = new TransposedConvolutionCase(1, 2, 3, 3, 2, 1, 0, 5);
        try (NDManager m = NDManager.newBaseManager()) {
            float[] actual = c.apply(m).toFloatArray();
            assertClose(actual, c.definition(), 1e-4);
        }
    }

    /**
     * The gradients autograd takes through the transposed convolution (of x, the kernel and the
     * bias) against the adjoint of the definition, for a linear loss Σ g ⊙ y, with output padding
     * in one direction and several examples, channels and a non-square input.
     */
    @Test
    void transposedConvolutionGradientsMatchTheDefinition() {
        TransposedConvolutionCase c = new TransposedConvolutionCase(2, 3, 4, 3, 4, 0, 1, 9);
        float[] g = c.random(c.outputSize(), 10);
        try (NDManager m = NDManager.newBaseManager();
                GradientCollector collector = Engine.getInstance().newGradientCollector()) {
            TensorUpload up = new TensorUpload();
            NDArray x = up.upload(m, c.x, new Shape(c.r, c.in, c.h, c.w));
            NDArray weight = up.upload(m, c.weight, new Shape(c.in, c.out, 4, 4));
            NDArray bias = up.upload(m, c.bias, new Shape(c.out));
            for (NDArray a : new NDArray[] {x, weight, bias}) {
                a.setRequiresGradient(true);
            }
            NDArray y = VaeNetwork.transposedConvolution(x, weight, bias, c.oh, c.ow);
            collector.backward(y.mul(up.upload(m, g, y.getShape())).sum());
            double[][] expected = c.gradients(g);
            assertClose(x.getGradient().toFloatArray(), expected[0], 1e-4);
            assertClose(weight.getGradient().toFloatArray(), expected[1], 1e-3);
            assertClose(bias.getGradient().toFloatArray(), expected[2], 1e-3);
        }
    }

    private static void assertClose(float[] actual, double[] expected, double tolerance) {
        assertThat(actual).hasSize(expected.length);
        for (int i = 0; i < expected.length; i++) {
            assertThat((double) actual[i]).as("element %d", i).isCloseTo(expected[i], within(tolerance));
        }
    }

    /**
     * A transposed convolution (stride 2, padding 1, 4×4 kernel) of r examples with random input,
     * kernel and bias, and its definition: input pixel (r, q) of channel c adds x·W[c, o, kh, kw]
     * to output pixel (2r − 1 + kh, 2q − 1 + kw) of channel o.
     */
    private static final class TransposedConvolutionCase {
        final int r;
        final int in;
        final int out;
        final int h;
        final int w;
        final int oh;
        final int ow;
        final int height;
        final int width;
        final float[] x;
        final float[] weight;
        final float[] bias;

        TransposedConvolutionCase(int r, int in, int out, int h, int w, int oh, int ow, long seed) {
            this.r = r;
            this.in = in;
            this.out = out;
            this.h = h;
            this.w = w;
            this.oh = oh;
            this.ow = ow;
            this.height = 2 * h + oh;
            this.width = 2 * w + ow;
            this.x = random(r * in * h * w, seed);
            this.weight = random(in * out * 16, seed + 1);
            this.bias = random(out, seed + 2);
        }

        int outputSize() {
            return r * out * height * width;
        }

        float[] random(int n, long seed) {
            SplittableRandom random = new SplittableRandom(seed);
            float[] a = new float[n];
            for (int i = 0; i < n; i++) {
                a[i] = (float) random.nextGaussian();
            }
            return a;
        }

        NDArray apply(NDManager m) {
            TensorUpload up = new TensorUpload();
            return VaeNetwork.transposedConvolution(
                    up.upload(m, x, new Shape(r, in, h, w)),
                    up.upload(m, weight, new Shape(in, out, 4, 4)),
                    up.upload(m, bias, new Shape(out)),
                    oh,
                    ow);
        }

        /** The output y. */
        double[] definition() {
            double[] y = new double[outputSize()];
            for (int n = 0; n < r; n++) {
                for (int o = 0; o < out; o++) {
                    for (int i = 0; i < height * width; i++) {
                        y[(n * out + o) * height * width + i] = bias[o];
                    }
                }
            }
            forEachTap((xi, wi, yi) -> y[yi] += x[xi] * weight[wi]);
            return y;
        }

        /** ∂/∂x, ∂/∂W and ∂/∂b of Σ g ⊙ y. */
        double[][] gradients(float[] g) {
            double[] dx = new double[x.length];
            double[] dw = new double[weight.length];
            double[] db = new double[bias.length];
            forEachTap((xi, wi, yi) -> {
                dx[xi] += g[yi] * weight[wi];
                dw[wi] += g[yi] * x[xi];
            });
            for (int i = 0; i < g.length; i++) {
                db[(i / (height * width)) % out] += g[i];
            }
            return new double[][] {dx, dw, db};
        }

        /** Every (input element, kernel element, output element) the definition multiplies and adds. */
        private void forEachTap(Tap tap) {
            for (int n = 0; n < r; n++) {
                for (int c = 0; c < in; c++) {
                    for (int o = 0; o < out; o++) {
                        for (int p = 0; p < h; p++) {
                            for (int q = 0; q < w; q++) {
                                for (int kh = 0; kh < 4; kh++) {
                                    for (int kw = 0; kw < 4; kw++) {
                                        int y = 2 * p - 1 + kh;
                                        int z = 2 * q - 1 + kw;
                                        if (y >= 0 && y < height && z >= 0 && z < width) {
                                            tap.add(
                                                    ((n * in + c) * h + p) * w + q,
                                                    ((c * out + o) * 4 + kh) * 4 + kw,
                                                    ((n * out + o) * height + y) * width + z);
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }

        private interface Tap {
            void add(int xIndex, int weightIndex, int yIndex);
        }
    }

    @Test
    void badConvConfigurationsSayWhatToDo() {
        assertThatThrownBy(() -> VaeConfig.builder().inputShape(784).conv(8).build())
                .hasMessageContaining("needs images of shape [H, W] or [H, W, C]");
        assertThatThrownBy(() ->
                        VaeConfig.builder().inputShape(4, 4).conv(8, 8, 8, 8).build())
                .hasMessageContaining("below 1 pixel");
        assertThatThrownBy(() -> VaeConfig.builder().inputShape(28, 28).conv(0).build())
                .hasMessageContaining("channels must be positive");
        // (64·7² + 16·32·8²) + (32·14² + 16·1·15²) = 45,776 floats per decoded row: 23 MLP rows of
        // the evaluator's budget.
        assertThat(VaeConfig.builder().inputShape(28, 28).conv(32, 64).build().decoderRowCost())
                .isEqualTo(23);
        assertThat(VaeConfig.builder().inputShape(28, 28).build().decoderRowCost())
                .isEqualTo(1);
        assertThatThrownBy(() -> Architecture.parse("resnet"))
                .hasMessageContaining("architecture must be one of [mlp, conv]");
    }
}
