package io.github.elbo4j.vae.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDManager;
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
        int in = 2;
        int out = 3;
        int h = 3;
        int w = 2;
        int oh = 1;
        int ow = 0;
        SplittableRandom random = new SplittableRandom(5);
        float[] x = new float[in * h * w];
        float[] weight = new float[in * out * 16];
        float[] bias = new float[out];
        for (float[] a : new float[][] {x, weight, bias}) {
            for (int i = 0; i < a.length; i++) {
                a[i] = (float) random.nextGaussian();
            }
        }
        int height = 2 * h + oh;
        int width = 2 * w + ow;
        double[] expected = new double[out * height * width];
        for (int o = 0; o < out; o++) {
            for (int i = 0; i < height * width; i++) {
                expected[o * height * width + i] = bias[o];
            }
            for (int c = 0; c < in; c++) {
                for (int r = 0; r < h; r++) {
                    for (int q = 0; q < w; q++) {
                        for (int kh = 0; kh < 4; kh++) {
                            for (int kw = 0; kw < 4; kw++) {
                                int y = 2 * r - 1 + kh;
                                int z = 2 * q - 1 + kw;
                                if (y >= 0 && y < height && z >= 0 && z < width) {
                                    expected[(o * height + y) * width + z] +=
                                            x[(c * h + r) * w + q] * weight[((c * out + o) * 4 + kh) * 4 + kw];
                                }
                            }
                        }
                    }
                }
            }
        }
        try (NDManager m = NDManager.newBaseManager()) {
            TensorUpload up = new TensorUpload();
            float[] actual = VaeNetwork.transposedConvolution(
                            up.upload(m, x, new ai.djl.ndarray.types.Shape(1, in, h, w)),
                            up.upload(m, weight, new ai.djl.ndarray.types.Shape(in, out, 4, 4)),
                            up.upload(m, bias, new ai.djl.ndarray.types.Shape(out)),
                            oh,
                            ow)
                    .toFloatArray();
            assertThat(actual).hasSize(expected.length);
            for (int i = 0; i < expected.length; i++) {
                assertThat((double) actual[i]).isCloseTo(expected[i], org.assertj.core.api.Assertions.within(1e-4));
            }
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
        // 4·32·31² + 4·64·17² = 196,992 floats per decoded row: 99 MLP rows of the evaluator's budget.
        assertThat(VaeConfig.builder().inputShape(28, 28).conv(32, 64).build().decoderRowCost())
                .isEqualTo(99);
        assertThat(VaeConfig.builder().inputShape(28, 28).build().decoderRowCost())
                .isEqualTo(1);
        assertThatThrownBy(() -> Architecture.parse("resnet"))
                .hasMessageContaining("architecture must be one of [mlp, conv]");
    }
}
