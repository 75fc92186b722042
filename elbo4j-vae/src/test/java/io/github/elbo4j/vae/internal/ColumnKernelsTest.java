package io.github.elbo4j.vae.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** The Bernoulli log-likelihood kernels against the log-likelihood in double precision, per column. */
class ColumnKernelsTest {

    /** An image's worth of rows: 784 logits per column, in 13 product groups. */
    private static final int ROWS = 784;

    private static final int LD = ColumnKernels.padded(100);

    @Test
    void softplusSumsGiveTheLogLikelihoodToFloatRounding() {
        Random random = new Random(5);
        float[] logits = new float[ROWS * LD];
        float[] x = new float[ROWS * LD];
        float[] p = new float[ROWS];
        fill(random, logits, x, p);
        // Σ x·l, then minus Σ softplus(l) from the kernel, as the sampler computes log p(x|z).
        float[] kernel = new float[LD];
        for (int c = 0; c < LD; c++) {
            double data = 0;
            for (int r = 0; r < ROWS; r++) {
                data += x[r * LD + c] * ((double) logits[r * LD + c] + p[r]);
            }
            kernel[c] = (float) data;
        }
        ColumnKernels.subtractSoftplusSums(logits, p, 0, ROWS, LD, kernel);
        // The training step's kernel, on logits with their bias.
        float[] biased = logits.clone();
        ColumnKernels.addBias(biased, p, 0, ROWS, LD);
        float[] natural = new float[LD];
        ColumnKernels.bernoulliLogLikelihood(biased, 0, x, 0, ROWS, LD, natural);
        for (int c = 0; c < LD; c++) {
            double exact = 0;
            for (int r = 0; r < ROWS; r++) {
                double l = (double) logits[r * LD + c] + p[r];
                double softplus = Math.max(l, 0) + Math.log1p(Math.exp(-Math.abs(l)));
                exact += x[r * LD + c] * l - softplus;
            }
            // Sums of 784 float terms: a few float ulps of the sum of their magnitudes.
            double tolerance = 2e-6 * Math.abs(exact) + 1e-5;
            assertThat(Math.abs(kernel[c] - exact)).as("column %d", c).isLessThan(tolerance);
            assertThat(Math.abs((double) kernel[c] - natural[c]))
                    .as("column %d", c)
                    .isLessThan(tolerance);
        }
    }

    /** Logits of a trained decoder's spread, some far out on either side, biases, and binary x. */
    private static void fill(Random random, float[] logits, float[] x, float[] p) {
        for (int i = 0; i < logits.length; i++) {
            double draw = random.nextDouble();
            logits[i] = (float) (draw < 0.02 ? 60 * (random.nextDouble() - 0.5) : 4 * random.nextGaussian());
            x[i] = random.nextDouble() < 0.15 ? 1f : 0f;
        }
        for (int r = 0; r < p.length; r++) {
            p[r] = (float) (3 * random.nextGaussian() - 2);
        }
    }
}
