package io.github.elbo4j.vi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.SplittableRandom;
import java.util.function.ToDoubleFunction;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The guides' analytic derivatives against central finite differences at random φ: the
 * reparameterization gradient of {@code (1/S) Σ_s f(z_s(φ))} for a non-quadratic f with a known
 * gradient, and the entropy gradient; and the entropy and draws against the plain Gaussian that
 * {@link GaussianGuide#toGaussian} builds independently (a D×D Cholesky for the low-rank family).
 */
class GuideGradientTest {

    private static final int D = 5;
    private static final int S = 3;
    private static final double H = 1e-6;

    /** f(z) = Σ_i sin(z_i) z_{i+1} − ¼ Σ_i z_i⁴ / (1 + i): couples neighbours, curved everywhere. */
    private static double f(double[] z, int row) {
        double sum = 0;
        for (int i = 0; i < D; i++) {
            double zi = z[row + i];
            sum -= 0.25 * zi * zi * zi * zi / (1 + i);
            if (i + 1 < D) {
                sum += Math.sin(zi) * z[row + i + 1];
            }
        }
        return sum;
    }

    private static void gradientOfF(double[] z, int row, double[] gradient) {
        for (int i = 0; i < D; i++) {
            double zi = z[row + i];
            double g = -zi * zi * zi / (1 + i);
            if (i + 1 < D) {
                g += Math.cos(zi) * z[row + i + 1];
            }
            if (i > 0) {
                g += Math.sin(z[row + i - 1]);
            }
            gradient[row + i] = g;
        }
    }

    private static GaussianGuide guide(GuideFamily family) {
        return family.create(D, 2);
    }

    /** φ away from the initial values, so that every derivative is exercised. */
    private static double[] randomPhi(GaussianGuide guide, SplittableRandom random) {
        double[] phi = new double[guide.numParameters()];
        for (int i = 0; i < phi.length; i++) {
            phi[i] = 0.6 * random.nextGaussian();
        }
        return phi;
    }

    private static double[] noise(GaussianGuide guide, SplittableRandom random) {
        double[] noise = new double[S * guide.noiseDimension()];
        for (int i = 0; i < noise.length; i++) {
            noise[i] = random.nextGaussian();
        }
        return noise;
    }

    private static double[] numericGradient(double[] phi, ToDoubleFunction<double[]> objective) {
        double[] gradient = new double[phi.length];
        for (int k = 0; k < phi.length; k++) {
            double[] plus = phi.clone();
            double[] minus = phi.clone();
            plus[k] += H;
            minus[k] -= H;
            gradient[k] = (objective.applyAsDouble(plus) - objective.applyAsDouble(minus)) / (2 * H);
        }
        return gradient;
    }

    @ParameterizedTest
    @EnumSource(GuideFamily.class)
    void reparameterizationGradientMatchesFiniteDifferences(GuideFamily family) {
        GaussianGuide guide = guide(family);
        SplittableRandom random = new SplittableRandom(11);
        double[] phi = randomPhi(guide, random);
        double[] noise = noise(guide, random);
        ToDoubleFunction<double[]> objective = at -> {
            double[] z = new double[S * D];
            guide.sample(at, noise, S, z);
            double sum = 0;
            for (int s = 0; s < S; s++) {
                sum += f(z, s * D);
            }
            return sum;
        };
        double[] z = new double[S * D];
        guide.sample(phi, noise, S, z);
        double[] zGradient = new double[S * D];
        for (int s = 0; s < S; s++) {
            gradientOfF(z, s * D, zGradient);
        }
        double[] analytic = new double[guide.numParameters()];
        guide.addPullback(phi, noise, zGradient, S, analytic);

        double[] numeric = numericGradient(phi, objective);
        for (int k = 0; k < analytic.length; k++) {
            assertThat(analytic[k]).as("∂/∂φ_%d", k).isCloseTo(numeric[k], within(1e-5 * (1 + Math.abs(numeric[k]))));
        }
    }

    @ParameterizedTest
    @EnumSource(GuideFamily.class)
    void entropyGradientMatchesFiniteDifferences(GuideFamily family) {
        GaussianGuide guide = guide(family);
        double[] phi = randomPhi(guide, new SplittableRandom(12));
        double[] analytic = new double[guide.numParameters()];
        guide.addEntropyGradient(phi, analytic);
        double[] numeric = numericGradient(phi, guide::entropy);
        for (int k = 0; k < analytic.length; k++) {
            assertThat(analytic[k]).as("∂H/∂φ_%d", k).isCloseTo(numeric[k], within(1e-6 * (1 + Math.abs(numeric[k]))));
        }
    }

    @ParameterizedTest
    @EnumSource(GuideFamily.class)
    void entropyAndCovarianceAgreeWithTheFittedGaussian(GuideFamily family) {
        GaussianGuide guide = guide(family);
        SplittableRandom random = new SplittableRandom(13);
        double[] phi = randomPhi(guide, random);
        FittedGaussian q = guide.toGaussian(phi);
        assertThat(guide.entropy(phi)).isCloseTo(q.entropy(), within(1e-10));

        // The sample covariance of many draws converges to Σ of the fitted Gaussian.
        int n = 200_000;
        double[] noise = new double[n * guide.noiseDimension()];
        for (int i = 0; i < noise.length; i++) {
            noise[i] = random.nextGaussian();
        }
        double[] z = new double[n * D];
        guide.sample(phi, noise, n, z);
        double[] mean = q.mean();
        double[][] sigma = q.covariance();
        for (int i = 0; i < D; i++) {
            for (int j = 0; j <= i; j++) {
                double sum = 0;
                for (int s = 0; s < n; s++) {
                    sum += (z[s * D + i] - mean[i]) * (z[s * D + j] - mean[j]);
                }
                double scale = Math.sqrt(sigma[i][i] * sigma[j][j]);
                // Standard error of a sample covariance is at most √(2/n) σ_i σ_j; allow five.
                assertThat(sum / n).as("Σ_%d%d", i, j).isCloseTo(sigma[i][j], within(5 * Math.sqrt(2.0 / n) * scale));
            }
        }
    }
}
