package io.github.elbo4j.vi.fit;

import io.github.elbo4j.vi.DenseCholesky;
import java.util.SplittableRandom;

/**
 * Standard normal draws whose sample moments are exact: mean exactly 0 and covariance (with divisor
 * n) exactly the identity.
 *
 * <p>Half the draws are independent standard normals ε_k, the other half their negatives −ε_k
 * (antithetic pairs: the mean is 0 and every odd moment vanishes); all are then multiplied by
 * {@code C⁻¹}, where {@code C Cᵀ} is their sample covariance, which makes it the identity. For a
 * quadratic f, the average of {@code f(μ + L ε_s)} over such draws equals {@code E_{N(μ, LLᵀ)} f}
 * exactly, so the fixed-draw ELBO of DADVI has the true optimum on a Gaussian posterior, and is close
 * to it on a nearly Gaussian one, where plain draws leave the mean off by about sd/√n.
 */
public final class MomentMatchedNoise {

    private MomentMatchedNoise() {}

    /**
     * The number of draws DADVI uses for {@code width} noise dimensions: {@code max(32, 2·width + 2)},
     * so that the {@code n/2} antithetic pairs span the space (the sample covariance is then positive
     * definite).
     */
    public static int defaultCount(int width) {
        return Math.max(32, 2 * width + 2);
    }

    /**
     * Plain independent standard normal draws, without moment matching: for Monte Carlo estimates
     * (the ELBO's monitor, k̂'s importance ratios) that need independent draws.
     *
     * @param count the number of draws
     * @param width the dimension of one draw
     * @param random the source
     * @return {@code [count][width]}
     */
    public static double[][] independent(int count, int width, SplittableRandom random) {
        double[][] noise = new double[count][width];
        for (double[] row : noise) {
            for (int j = 0; j < width; j++) {
                row[j] = random.nextGaussian();
            }
        }
        return noise;
    }

    /**
     * Independent standard normal draws less their sample mean, so that the mean of {@code μ + L ε}
     * over them is μ exactly, while each draw is still (to O(1/n)) an independent standard normal,
     * as importance weights and k̂ need: the output draws of a fit, whose summaries then carry no
     * Monte Carlo error from where q's draws happened to fall, only from the importance weights.
     * (Antithetic pairs would centre them too, but the pairs' log ratios share their even part,
     * which comes in near-equal pairs that inflate k̂.)
     *
     * @param count the number of draws, at least 2
     * @param width the dimension of one draw
     * @param random the source
     * @return {@code [count][width]}
     */
    public static double[][] centred(int count, int width, SplittableRandom random) {
        double[][] noise = independent(count, width, random);
        for (int j = 0; j < width; j++) {
            double mean = 0;
            for (double[] row : noise) {
                mean += row[j];
            }
            mean /= count;
            for (double[] row : noise) {
                row[j] -= mean;
            }
        }
        return noise;
    }

    /**
     * Draws the matrix.
     *
     * @param count n, even and at least {@code 2·width + 2}
     * @param width the dimension of one draw
     * @param random the source
     * @return {@code [count][width]}
     */
    public static double[][] draw(int count, int width, SplittableRandom random) {
        if (count % 2 != 0 || count < 2 * width + 2) {
            throw new IllegalArgumentException("moment-matched noise needs an even count of at least 2·width + 2 = "
                    + (2 * width + 2) + ", got " + count);
        }
        double[][] noise = new double[count][width];
        for (int s = 0; s < count / 2; s++) {
            for (int j = 0; j < width; j++) {
                double e = random.nextGaussian();
                noise[2 * s][j] = e;
                noise[2 * s + 1][j] = -e;
            }
        }
        double[][] covariance = new double[width][width];
        for (double[] e : noise) {
            for (int i = 0; i < width; i++) {
                for (int j = 0; j <= i; j++) {
                    covariance[i][j] += e[i] * e[j] / count;
                }
            }
        }
        double[][] c = DenseCholesky.factor(covariance);
        double[][] result = new double[count][];
        for (int s = 0; s < count; s++) {
            result[s] = DenseCholesky.solveLower(c, noise[s]);
        }
        return result;
    }
}
