package io.github.elbo4j.kl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import io.github.elbo4j.distributions.Bernoulli;
import io.github.elbo4j.distributions.DiagonalNormal;
import io.github.elbo4j.distributions.Distribution;
import io.github.elbo4j.distributions.MultivariateNormal;
import io.github.elbo4j.distributions.Normal;
import io.github.elbo4j.distributions.ReparameterizedDistribution;
import io.github.elbo4j.distributions.StandardNormal;
import io.github.elbo4j.testing.Samples;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class KlDivergenceTest {

    /** docs/ARCHITECTURE.md, "The mathematics": ½ Σ (μ² + σ² − log σ² − 1), evaluated in double precision as an oracle. */
    private static double diagonalKlToStandard(double[] mu, double[] variance) {
        double kl = 0;
        for (int j = 0; j < mu.length; j++) {
            kl += 0.5 * (mu[j] * mu[j] + variance[j] - Math.log(variance[j]) - 1);
        }
        return kl;
    }

    // ---- reference values of docs/ARCHITECTURE.md, "The mathematics" --------------------------

    @Test
    void perDimensionKlSplitsTheStandardNormalKlByDimension() {
        try (NDManager m = NDManager.newBaseManager()) {
            // dimension 0: mean 1, variance 1 → 1/2; dimension 1: mean 0, variance e → (e − 1 − 1)/2
            DiagonalNormal q = DiagonalNormal.fromLogVariance(
                    m.create(new float[] {1f, 0f}, new Shape(1, 2)), m.create(new float[] {0f, 1f}, new Shape(1, 2)));
            NDArray perDimension = KlDivergence.perDimension(q);
            assertThat(perDimension.getShape()).isEqualTo(new Shape(1, 2));
            float[] kl = perDimension.toFloatArray();
            assertThat(kl[0]).isCloseTo(0.5f, within(1e-6f));
            assertThat(kl[1]).isCloseTo((float) ((Math.E - 2) / 2), within(1e-6f));
            assertThat(kl[0] + kl[1])
                    .isCloseTo(KlDivergence.kl(q, new StandardNormal(m, 2)).getFloat(0), within(1e-6f));
        }
    }

    @Test
    void klOfUnitShiftedNormalIsOneHalf() {
        try (NDManager m = NDManager.newBaseManager()) {
            Normal q = new Normal(m.create(1f), m.create(1f));
            Normal p = new Normal(m.create(0f), m.create(1f));
            assertThat((double) KlDivergence.kl(q, p).getFloat()).isCloseTo(0.5, within(1e-6));
            DiagonalNormal diag =
                    DiagonalNormal.fromLogVariance(m.create(new float[] {1f}), m.create(new float[] {0f}));
            assertThat((double) KlDivergence.kl(diag, new StandardNormal(m, 1)).getFloat())
                    .isCloseTo(0.5, within(1e-6));
        }
    }

    @Test
    void designReferenceValuesAgreeWithTheFormula() {
        // Checked independently of the library: the values in docs/ARCHITECTURE.md are right.
        assertThat(diagonalKlToStandard(new double[] {1, 0}, new double[] {0.5, 2}))
                .isCloseTo(0.75, within(1e-15));
        assertThat(diagonalKlToStandard(new double[] {2, 0}, new double[] {0.25, 4}))
                .isCloseTo(3.125, within(1e-15));
    }

    @Test
    void klOfMeanOneZeroVariancesHalfAndTwoIsThreeQuarters() {
        try (NDManager m = NDManager.newBaseManager()) {
            DiagonalNormal q = DiagonalNormal.fromLogVariance(
                    m.create(new float[] {1f, 0f}),
                    m.create(new float[] {(float) Math.log(0.5), (float) Math.log(2.0)}));
            assertThat((double) KlDivergence.kl(q, new StandardNormal(m, 2)).getFloat())
                    .isCloseTo(0.75, within(1e-6));
        }
    }

    @Test
    void klOfMeanTwoZeroVariancesQuarterAndFourIsThreePointOneTwoFive() {
        try (NDManager m = NDManager.newBaseManager()) {
            DiagonalNormal q = DiagonalNormal.fromLogScale(
                    m.create(new float[] {2f, 0f}),
                    m.create(new float[] {(float) Math.log(0.5), (float) Math.log(2.0)}));
            assertThat((double) KlDivergence.kl(q, new StandardNormal(m, 2)).getFloat())
                    .isCloseTo(3.125, within(1e-6));
        }
    }

    @Test
    void referenceValuesHoldInDoublePrecisionToo() {
        try (NDManager m = NDManager.newBaseManager()) {
            DiagonalNormal q =
                    DiagonalNormal.fromLogVariance(m.create(new double[][] {{1, 0}, {2, 0}}), m.create(new double[][] {
                        {Math.log(0.5), Math.log(2)}, {Math.log(0.25), Math.log(4)}
                    }));
            NDArray kl = KlDivergence.kl(q, new StandardNormal(m, 2));
            assertThat(kl.getDataType()).isEqualTo(DataType.FLOAT64);
            assertThat(kl.toDoubleArray()).containsExactly(new double[] {0.75, 3.125}, within(1e-12));
        }
    }

    @Test
    void gradientOfKlIsMuAndHalfOfVarianceMinusOne() {
        float[] mu = {1f, 0f, -2.5f, 0.3f};
        float[] logVariance = {(float) Math.log(0.5), (float) Math.log(2.0), 0f, -3f};
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray loc = m.create(mu);
            NDArray logVar = m.create(logVariance);
            loc.setRequiresGradient(true);
            logVar.setRequiresGradient(true);
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                gc.backward(KlDivergence.kl(DiagonalNormal.fromLogVariance(loc, logVar), new StandardNormal(m, 4)));
            }
            double[] gradMu = Samples.toDoubles(loc.getGradient());
            double[] gradLogVar = Samples.toDoubles(logVar.getGradient());
            for (int j = 0; j < 4; j++) {
                assertThat(gradMu[j]).isCloseTo(mu[j], within(1e-6));
                assertThat(gradLogVar[j]).isCloseTo(0.5 * (Math.exp(logVariance[j]) - 1), within(1e-6));
            }
        }
    }

    // ---- closed forms against Monte Carlo ---------------------------------------------------

    @Test
    void diagonalNormalToStandardNormalAgreesWithMonteCarlo() {
        try (NDManager m = NDManager.newBaseManager()) {
            DiagonalNormal q = DiagonalNormal.fromLogScale(
                    m.create(new float[][] {{0.5f, -1f, 0f}, {2f, 0.1f, -0.3f}}),
                    m.create(new float[][] {{-0.5f, 0.3f, 0f}, {0.2f, -1f, 0.6f}}));
            assertClosedFormWithinFourStandardErrorsOfMonteCarlo(m, q, new StandardNormal(m, 3), 100_000, 1);
        }
    }

    @Test
    void diagonalNormalToDiagonalNormalAgreesWithMonteCarlo() {
        try (NDManager m = NDManager.newBaseManager()) {
            DiagonalNormal q = DiagonalNormal.fromLogScale(
                    m.create(new float[][] {{0.5f, -1f}, {2f, 0.1f}}),
                    m.create(new float[][] {{-0.5f, 0.3f}, {0.2f, -1f}}));
            DiagonalNormal p =
                    DiagonalNormal.fromLogVariance(m.create(new float[] {0f, 1f}), m.create(new float[] {0.5f, -0.4f}));
            assertClosedFormWithinFourStandardErrorsOfMonteCarlo(m, q, p, 100_000, 2);
        }
    }

    @Test
    void normalToNormalAgreesWithMonteCarlo() {
        try (NDManager m = NDManager.newBaseManager()) {
            Normal q = new Normal(m.create(new float[] {0f, 1f, -2f}), m.create(new float[] {1f, 0.5f, 2f}));
            Normal p = new Normal(m.create(new float[] {0.5f, 0f, -1f}), m.create(new float[] {1.5f, 1f, 1f}));
            assertClosedFormWithinFourStandardErrorsOfMonteCarlo(m, q, p, 100_000, 3);
        }
    }

    @Test
    void multivariateNormalToMultivariateNormalAgreesWithMonteCarlo() {
        try (NDManager m = NDManager.newBaseManager()) {
            MultivariateNormal q = new MultivariateNormal(
                    m.create(new float[] {0.5f, -1f, 0.2f}),
                    m.create(new float[][] {{1f, 0f, 0f}, {0.4f, 0.6f, 0f}, {-0.3f, 0.2f, 0.8f}}));
            MultivariateNormal p = new MultivariateNormal(m.create(new float[] {0f, 0f, 1f}), m.create(new float[][] {
                {1.5f, 0f, 0f}, {-0.2f, 1.1f, 0f}, {0.5f, 0.1f, 0.9f}
            }));
            assertClosedFormWithinFourStandardErrorsOfMonteCarlo(m, q, p, 100_000, 4);
        }
    }

    @Test
    void multivariateNormalToStandardNormalAgreesWithMonteCarloAndWithDiagonalCase() {
        try (NDManager m = NDManager.newBaseManager()) {
            MultivariateNormal q = new MultivariateNormal(m.create(new float[] {0.5f, -1f}), m.create(new float[][] {
                {0.7f, 0f}, {0.4f, 1.3f}
            }));
            assertClosedFormWithinFourStandardErrorsOfMonteCarlo(m, q, new StandardNormal(m, 2), 100_000, 5);
            MultivariateNormal diagonal =
                    new MultivariateNormal(m.create(new float[] {1f, 0f}), m.create(new float[][] {
                        {(float) Math.sqrt(0.5), 0f}, {0f, (float) Math.sqrt(2.0)}
                    }));
            assertThat((double)
                            KlDivergence.kl(diagonal, new StandardNormal(m, 2)).getFloat())
                    .isCloseTo(0.75, within(1e-6));
        }
    }

    @Test
    void bernoulliToBernoulliAgreesWithMonteCarlo() {
        try (NDManager m = NDManager.newBaseManager()) {
            Bernoulli q = new Bernoulli(m.create(new float[][] {{-1f, 0.5f, 3f}, {2f, -2f, 0f}}));
            Bernoulli p = new Bernoulli(m.create(new float[] {0f, 1f, -1f}));
            assertClosedFormWithinFourStandardErrorsOfMonteCarlo(m, q, p, 100_000, 6);
        }
    }

    @Test
    void bernoulliKlIsFiniteForExtremeLogits() {
        try (NDManager m = NDManager.newBaseManager()) {
            Bernoulli q = new Bernoulli(m.create(new float[][] {{1e4f}, {-1e4f}, {0f}}));
            Bernoulli p = new Bernoulli(m.create(new float[][] {{-1e4f}, {1e4f}, {0f}}));
            double[] kl = Samples.toDoubles(KlDivergence.kl(q, p));
            assertThat(kl[0]).isCloseTo(1e4, within(1e-2));
            assertThat(kl[1]).isCloseTo(1e4, within(1e-2));
            assertThat(kl[2]).isCloseTo(0.0, within(1e-7));
        }
    }

    // ---- registry and fallback ----------------------------------------------------------------

    @Test
    void unregisteredPairFallsBackToMonteCarloWithTheRequestedSampleCount() {
        float b = 0.8f;
        int n = 200_000;
        double exact = -1 - Math.log(2 * b) + 0.5 * Math.log(2 * Math.PI) + (double) b * b;
        try (NDManager m = NDManager.newBaseManager()) {
            Laplace q = new Laplace(m.create(new float[] {0f}), b);
            Normal p = new Normal(m.create(0f), m.create(1f));
            assertThat(KlDivergence.hasClosedForm(Laplace.class, Normal.class)).isFalse();
            Engine.getInstance().setRandomSeed(2024);
            double viaRegistry = KlDivergence.kl(q, p, n).getFloat(0);
            // Same seed, same draws: the fallback is the average log ratio over exactly n samples.
            Engine.getInstance().setRandomSeed(2024);
            NDArray z = q.sample(m, n);
            double[] ratios = Samples.toDoubles(q.logProb(z).sub(p.logProb(z)));
            assertThat(viaRegistry).isCloseTo(Samples.mean(ratios), within(1e-5));
            assertThat(viaRegistry).isCloseTo(exact, within(4 * Samples.standardError(ratios)));
            assertThatThrownBy(() -> KlDivergence.closedForm(q, p))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("no closed-form KL divergence is registered for Laplace ‖ Normal")
                    .hasMessageContaining("DiagonalNormal ‖ StandardNormal");
        }
    }

    @Test
    void registeringAPairMakesKlUseIt() {
        AtomicInteger calls = new AtomicInteger();
        try (NDManager m = NDManager.newBaseManager()) {
            Laplace q = new Laplace(m.create(new float[] {0f}), 0.5f);
            Laplace p = new Laplace(m.create(new float[] {0f}), 2f);
            assertThat(KlDivergence.hasClosedForm(Laplace.class, Laplace.class)).isFalse();
            KlDivergence.register(Laplace.class, Laplace.class, (a, c) -> {
                calls.incrementAndGet();
                // KL(Laplace(0, a) ‖ Laplace(0, c)) = log(c/a) + a/c − 1
                double value = Math.log(c.scale() / a.scale()) + a.scale() / c.scale() - 1;
                return a.loc().zerosLike().add((float) value);
            });
            assertThat(KlDivergence.hasClosedForm(Laplace.class, Laplace.class)).isTrue();
            double expected = Math.log(4.0) + 0.25 - 1;
            assertThat((double) KlDivergence.kl(q, p).getFloat(0)).isCloseTo(expected, within(1e-6));
            assertThat((double) KlDivergence.kl(q, p, 7).getFloat(0)).isCloseTo(expected, within(1e-6));
            assertThat(calls).hasValue(2);
            // the Monte Carlo estimate of the same pair is still available and agrees
            Engine.getInstance().setRandomSeed(5);
            assertThat((double) KlDivergence.monteCarlo(q, p, 200_000).getFloat(0))
                    .isCloseTo(expected, within(0.01));
        }
    }

    @Test
    void monteCarloRejectsANonPositiveSampleCount() {
        try (NDManager m = NDManager.newBaseManager()) {
            Normal q = new Normal(m.create(0f), m.create(1f));
            assertThatThrownBy(() -> KlDivergence.monteCarlo(q, q, 0))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("at least 1 sample");
        }
    }

    @Test
    void builtInClosedFormsAreRegistered() {
        assertThat(KlDivergence.hasClosedForm(DiagonalNormal.class, StandardNormal.class))
                .isTrue();
        assertThat(KlDivergence.hasClosedForm(DiagonalNormal.class, DiagonalNormal.class))
                .isTrue();
        assertThat(KlDivergence.hasClosedForm(Normal.class, Normal.class)).isTrue();
        assertThat(KlDivergence.hasClosedForm(Bernoulli.class, Bernoulli.class)).isTrue();
        assertThat(KlDivergence.hasClosedForm(MultivariateNormal.class, MultivariateNormal.class))
                .isTrue();
        assertThat(KlDivergence.hasClosedForm(MultivariateNormal.class, StandardNormal.class))
                .isTrue();
        assertThat(KlDivergence.hasClosedForm(StandardNormal.class, DiagonalNormal.class))
                .isFalse();
    }

    /**
     * Draws n samples from q (reparameterised when possible), computes the per-sample log ratio log
     * q − log p in the test, and checks every batch entry of the closed form lies within 4 standard
     * errors of its Monte Carlo mean. Also checks that KlDivergence.monteCarlo with the same draws
     * reports that mean.
     */
    private static void assertClosedFormWithinFourStandardErrorsOfMonteCarlo(
            NDManager m, Distribution q, Distribution p, int n, int seed) {
        assertThat(KlDivergence.hasClosedForm(q.getClass(), p.getClass())).isTrue();
        double[] closed = Samples.toDoubles(KlDivergence.kl(q, p));
        Engine.getInstance().setRandomSeed(seed);
        NDArray z;
        NDArray noise = null;
        if (q instanceof ReparameterizedDistribution r) {
            noise = m.randomNormal(new Shape(n).addAll(q.batchShape()).addAll(q.eventShape()));
            z = r.rsample(noise);
        } else {
            z = q.sample(m, n);
        }
        NDArray ratios = q.logProb(z).sub(p.logProb(z));
        int batch = closed.length;
        assertThat(ratios.getShape().size()).isEqualTo((long) n * batch);
        double[] all = Samples.toDoubles(ratios);
        double[] viaApi = noise != null
                ? Samples.toDoubles(KlDivergence.monteCarlo((ReparameterizedDistribution) q, p, noise))
                : null;
        for (int b = 0; b < batch; b++) {
            double[] column = Samples.column(all, batch, b);
            double mean = Samples.mean(column);
            double se = Samples.standardError(column);
            assertThat(se).isPositive();
            assertThat(closed[b])
                    .as("batch entry %s: closed form vs Monte Carlo %s ± %s", b, mean, se)
                    .isCloseTo(mean, within(4 * se));
            if (viaApi != null) {
                assertThat(viaApi[b]).isCloseTo(mean, within(1e-4 * Math.max(1, Math.abs(mean))));
            }
        }
    }
}
