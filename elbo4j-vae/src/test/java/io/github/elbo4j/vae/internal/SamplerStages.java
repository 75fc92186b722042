package io.github.elbo4j.vae.internal;

import io.github.elbo4j.vae.model.Activation;
import io.github.elbo4j.vae.model.Likelihood;
import io.github.elbo4j.vae.model.MlpLayout;
import io.github.elbo4j.vae.model.VaeConfig;
import io.github.elbo4j.vae.model.VaeModel;
import io.github.elbo4j.vae.objective.ExampleTerms;
import io.github.elbo4j.vae.objective.VectorNoise;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Random;

/**
 * Where {@link FusedImportanceSampler}'s time goes at K = 5000 on the standard model (784-200-200-8,
 * tanh, Bernoulli): each stage of its decoder passes run alone, as the sampler runs them, then the
 * whole estimate, per image in milliseconds of this thread's CPU time (which a loaded machine
 * inflates less than wall time). Random weights and images: the kernels do the same work on any.
 * Not a test; run it after {@code ./mvnw -q -DskipTests package} and {@code test-compile}:
 *
 * <pre>{@code
 * java --add-modules jdk.incubator.vector -Djdk.incubator.vector.VECTOR_ACCESS_OOB_CHECK=0 \
 *   -XX:CompileCommand=quiet -XX:CompileCommand=inline,io.github.elbo4j.vae.internal.VectorMath::* \
 *   -cp elbo4j-vae/target/test-classes:elbo4j-cli/target/elbo4j.jar \
 *   io.github.elbo4j.vae.internal.SamplerStages 50
 * }</pre>
 */
public final class SamplerStages {

    private static final int K = 5000;
    private static final int SLICE = 1000;
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    private SamplerStages() {}

    /**
     * Prints three rounds of the stage times and of the whole estimate.
     *
     * @param args the number of images per round (default 50)
     */
    public static void main(String[] args) {
        int images = args.length > 0 ? Integer.parseInt(args[0]) : 50;
        VaeConfig config = VaeConfig.builder()
                .inputShape(28, 28)
                .hidden(200, 200)
                .latent(8)
                .activation(Activation.TANH)
                .likelihood(Likelihood.BERNOULLI)
                .build();
        MlpLayout mlp = MlpLayout.of(config);
        Random random = new Random(1);
        float[] p = new float[(int) VaeModel.layoutOf(config).totalSize()];
        for (int i = 0; i < p.length; i++) {
            p[i] = (float) (0.08 * random.nextGaussian());
        }
        float[] data = new float[images * config.inputSize()];
        for (int i = 0; i < data.length; i++) {
            data[i] = random.nextDouble() < 0.13 ? 1f : 0f;
        }
        for (int round = 0; round < 3; round++) {
            stages(mlp, p, images);
        }
        FusedImportanceSampler sampler = new FusedImportanceSampler(config, K, FusedImportanceSampler.COLUMNS);
        double[] bound = new double[images];
        for (int round = 0; round < 3; round++) {
            long start = cpu();
            sampler.estimate(p, data, 0, images, 3, ExampleTerms.boundsOnly(bound));
            System.out.printf("whole estimate %.2f ms%n", (cpu() - start) / 1e6 / images);
        }
    }

    /** The decoder's stages over {@code images} × K particles, in passes of {@link #SLICE}. */
    private static void stages(MlpLayout mlp, float[] p, int images) {
        int ld = ColumnKernels.padded(SLICE);
        int width = 200;
        int pixels = 784;
        float[] z = new float[8 * ld];
        float[] first = new float[width * ld];
        float[] second = new float[width * ld];
        float[] block = new float[FusedImportanceSampler.OUTPUT_ROWS * ld];
        float[] logLikelihood = new float[ld];
        long[] time = new long[5];
        int out = mlp.decoderWeight()[2];
        int outBias = mlp.decoderBias()[2];
        for (int image = 0; image < images; image++) {
            for (int done = 0; done < K; done += SLICE) {
                long t0 = cpu();
                VectorNoise.fillExample(7, image, done, SLICE, 8, z, 0, ld);
                long t1 = cpu();
                Gemm.multiply(p, mlp.decoderWeight()[0], 8, 1, z, 0, ld, first, 0, ld, width, 8, ld, false);
                Gemm.multiply(
                        p, mlp.decoderWeight()[1], width, 1, first, 0, ld, second, 0, ld, width, width, ld, false);
                long t2 = cpu();
                ColumnKernels.activate(Activation.TANH, first, p, mlp.decoderBias()[0], width, ld);
                ColumnKernels.activate(Activation.TANH, second, p, mlp.decoderBias()[1], width, ld);
                long t3 = cpu();
                time[0] += t1 - t0;
                time[1] += t2 - t1;
                time[2] += t3 - t2;
                for (int row = 0; row < pixels; row += FusedImportanceSampler.OUTPUT_ROWS) {
                    int rows = Math.min(FusedImportanceSampler.OUTPUT_ROWS, pixels - row);
                    long t4 = cpu();
                    Gemm.multiply(p, out + row * width, width, 1, second, 0, ld, block, 0, ld, rows, width, ld, false);
                    long t5 = cpu();
                    ColumnKernels.subtractSoftplusSums(block, p, outBias + row, rows, ld, logLikelihood);
                    time[3] += t5 - t4;
                    time[4] += cpu() - t5;
                }
            }
        }
        double scale = 1e6 * images;
        System.out.printf(
                "per image, ms: ε %.2f | hidden products %.2f | their bias and tanh %.2f"
                        + " | output products %.2f | its likelihood %.2f | sum %.2f%n",
                time[0] / scale,
                time[1] / scale,
                time[2] / scale,
                time[3] / scale,
                time[4] / scale,
                (time[0] + time[1] + time[2] + time[3] + time[4]) / scale);
    }

    private static long cpu() {
        return THREADS.getCurrentThreadCpuTime();
    }
}
