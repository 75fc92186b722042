package io.github.elbo4j.bench.posteriordb.models;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.github.elbo4j.bench.posteriordb.PosteriorDbBenchmark;
import io.github.elbo4j.vi.model.JavaModel;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The GARCH(1, 1) model, whose variance recursion is one {@code linearRecurrence}, against the Stan
 * User's Guide's program written as a plain loop over the returns in doubles.
 */
class Garch11Test {

    private static final double SIGMA1 = 1.0;

    @Test
    void logDensityIsTheStanProgramsAndItsGradientMatchesFiniteDifferences() {
        double[] r = PosteriorDbBenchmark.garchReturns(200, new SplittableRandom(7));
        JavaModel model = PosteriorDbModels.garch11(r, SIGMA1);
        SplittableRandom random = new SplittableRandom(11);
        for (int point = 0; point < 5; point++) {
            double[] z = random.doubles(4, -1.5, 1.5).toArray();
            double[][] theta = model.constrain(z);
            double mu = theta[0][0];
            double alpha0 = theta[1][0];
            double alpha1 = theta[2][0];
            double beta1 = theta[3][0];
            // beta1 = (1 − alpha1) logistic(z3): the bound depends on alpha1
            assertThat(beta1).isCloseTo((1 - alpha1) / (1 + Math.exp(-z[3])), within(1e-15));
            double logJacobian =
                    z[1] + Math.log(alpha1 * (1 - alpha1)) + Math.log((1 - alpha1) * logistic(z[3]) * logistic(-z[3]));
            assertThat(model.logDensity(z, null))
                    .isCloseTo(stanLogLikelihood(r, mu, alpha0, alpha1, beta1) + logJacobian, within(1e-9));

            double[] gradient = new double[4];
            model.logDensity(z, gradient);
            for (int i = 0; i < 4; i++) {
                double h = 1e-6;
                double[] up = z.clone();
                double[] down = z.clone();
                up[i] += h;
                down[i] -= h;
                double numeric = (model.logDensity(up, null) - model.logDensity(down, null)) / (2 * h);
                assertThat(gradient[i]).isCloseTo(numeric, within(1e-5 * Math.max(1, Math.abs(numeric))));
            }
        }
    }

    /** The Stan program's model block, flat priors: a loop over the returns. */
    private static double stanLogLikelihood(double[] r, double mu, double alpha0, double alpha1, double beta1) {
        double sigma = SIGMA1;
        double total = 0;
        for (int t = 0; t < r.length; t++) {
            if (t > 0) {
                sigma = Math.sqrt(alpha0 + alpha1 * (r[t - 1] - mu) * (r[t - 1] - mu) + beta1 * sigma * sigma);
            }
            double e = (r[t] - mu) / sigma;
            total += -0.5 * e * e - Math.log(sigma) - 0.5 * Math.log(2 * Math.PI);
        }
        return total;
    }

    private static double logistic(double x) {
        return 1 / (1 + Math.exp(-x));
    }
}
