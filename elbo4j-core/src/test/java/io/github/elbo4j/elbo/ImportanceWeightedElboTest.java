package io.github.elbo4j.elbo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import io.github.elbo4j.distributions.DiagonalNormal;
import io.github.elbo4j.distributions.StandardNormal;
import io.github.elbo4j.testing.Samples;
import org.junit.jupiter.api.Test;

class ImportanceWeightedElboTest {

    private static final ConjugateGaussianModel MODEL = new ConjugateGaussianModel(0.5);
    private static final float X = 1.2f;
    private static final int[] KS = {1, 5, 50, 500};
    private static final int REPLICATES_PER_SEED = 1000;
    private static final int[] SEEDS = {1, 2, 3, 4};

    @Test
    void boundWeighsTheDensityRatioByTheKlWeight() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray logLik = m.create(new float[] {-1f, -3f}, new Shape(2, 1));
            NDArray logRatio = m.create(new float[] {-2f, 0.5f}, new Shape(2, 1));
            // log w = {-1 + 0.5·(-2), -3 + 0.5·0.5} = {-2, -2.75}
            double expected = Math.log((Math.exp(-2) + Math.exp(-2.75)) / 2);
            assertThat(ImportanceWeightedElbo.bound(logLik, logRatio, 0.5).getFloat(0))
                    .isCloseTo((float) expected, within(1e-6f));
            double unweighted = Math.log((Math.exp(-3) + Math.exp(-2.5)) / 2);
            assertThat(ImportanceWeightedElbo.bound(logLik, logRatio, 1.0).getFloat(0))
                    .isCloseTo((float) unweighted, within(1e-6f));
        }
    }

    @Test
    void doublyReparameterizedSurrogateWeighsItsGradientsByTheNormalizedWeightsAndTheirSquares() {
        float[] decoder = {-1f, -2f, -0.5f};
        float[] encoder = {0.3f, -4f, 1f};
        double[] normalized = new double[3];
        double total = 0;
        for (int k = 0; k < 3; k++) {
            normalized[k] = Math.exp(decoder[k]);
            total += normalized[k];
        }
        double value = 0;
        for (int k = 0; k < 3; k++) {
            normalized[k] /= total;
            value += normalized[k] * decoder[k] + normalized[k] * normalized[k] * encoder[k];
        }
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray d = m.create(decoder, new Shape(3, 1));
            NDArray e = m.create(encoder, new Shape(3, 1));
            d.setRequiresGradient(true);
            e.setRequiresGradient(true);
            try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                NDArray surrogate = ImportanceWeightedElbo.doublyReparameterizedSurrogate(d, e);
                assertThat(surrogate.getFloat()).isCloseTo((float) value, within(1e-6f));
                collector.backward(surrogate);
            }
            // The weights are held fixed: no gradient flows through the softmax.
            float[] dGradient = d.getGradient().toFloatArray();
            float[] eGradient = e.getGradient().toFloatArray();
            for (int k = 0; k < 3; k++) {
                assertThat(dGradient[k]).isCloseTo((float) normalized[k], within(1e-6f));
                assertThat(eGradient[k]).isCloseTo((float) (normalized[k] * normalized[k]), within(1e-6f));
            }
        }
    }

    @Test
    void boundIsNonDecreasingInKAndApproachesTheLogEvidence() {
        int r = REPLICATES_PER_SEED;
        int total = r * SEEDS.length;
        // bounds[k][i]: IWAE_K of replicate i; the K particles are nested (the first K of 500).
        double[][] bounds = new double[KS.length][total];
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray x = m.full(new Shape(r, 1), X);
            // q: shifted by 0.8 posterior units of scale off the exact posterior mean, same width
            double sd = Math.sqrt(MODEL.posteriorVariance());
            DiagonalNormal q = DiagonalNormal.fromLogScale(
                    m.full(new Shape(r, 1), (float) (MODEL.posteriorMean(X) + 0.8)),
                    m.full(new Shape(r, 1), (float) Math.log(sd)));
            StandardNormal prior = new StandardNormal(m, 1);
            LikelihoodModel likelihood = MODEL.likelihood(m);
            for (int seedIndex = 0; seedIndex < SEEDS.length; seedIndex++) {
                Engine.getInstance().setRandomSeed(SEEDS[seedIndex]);
                try (NDManager step = m.newSubManager()) {
                    NDArray noise = step.randomNormal(new Shape(KS[KS.length - 1], r, 1));
                    for (int k = 0; k < KS.length; k++) {
                        NDArray firstK = noise.get(new NDIndex(":{}", KS[k]));
                        ElboTerms terms = new ImportanceWeightedElbo(KS[k]).estimate(q, prior, likelihood, x, firstK);
                        System.arraycopy(Samples.toDoubles(terms.elbo()), 0, bounds[k], seedIndex * r, r);
                        terms.elbo().close();
                        terms.reconstruction().close();
                        terms.kl().close();
                    }
                }
            }
        }
        double logEvidence = MODEL.logEvidence(X);
        for (int k = 1; k < KS.length; k++) {
            double[] increase = new double[total];
            for (int i = 0; i < total; i++) {
                increase[i] = bounds[k][i] - bounds[k - 1][i];
            }
            double mean = Samples.mean(increase);
            double se = Samples.standardError(increase);
            assertThat(mean)
                    .as("E[IWAE_%s − IWAE_%s] = %s ± %s", KS[k], KS[k - 1], mean, se)
                    .isGreaterThan(4 * se);
        }
        double gapAtOne = logEvidence - Samples.mean(bounds[0]);
        double gapAtLargest = logEvidence - Samples.mean(bounds[KS.length - 1]);
        double seLargest = Samples.standardError(bounds[KS.length - 1]);
        assertThat(gapAtOne).isGreaterThan(0.5);
        assertThat(gapAtLargest)
                .as("log p(x) − E[IWAE_500]")
                .isGreaterThan(-4 * seLargest)
                .isLessThan(gapAtOne / 20);
    }

    @Test
    void withOneParticleTheBoundIsTheMonteCarloElbo() {
        try (NDManager m = NDManager.newBaseManager()) {
            Engine.getInstance().setRandomSeed(6);
            NDArray x = m.create(new float[] {-0.3f, 1.7f}, new Shape(2, 1));
            DiagonalNormal q = DiagonalNormal.fromLogVariance(
                    m.create(new float[] {0.1f, 0.9f}, new Shape(2, 1)),
                    m.create(new float[] {-0.5f, -1f}, new Shape(2, 1)));
            NDArray noise = m.randomNormal(new Shape(1, 2, 1));
            StandardNormal prior = new StandardNormal(m, 1);
            ElboTerms iwae = new ImportanceWeightedElbo(1).estimate(q, prior, MODEL.likelihood(m), x, noise);
            ElboTerms mc = new MonteCarloElbo(1).estimate(q, prior, MODEL.likelihood(m), x, noise);
            assertThat(Samples.toDoubles(iwae.elbo())).containsExactly(Samples.toDoubles(mc.elbo()), within(1e-6));
            assertThat(Samples.toDoubles(iwae.reconstruction()))
                    .containsExactly(Samples.toDoubles(mc.reconstruction()), within(1e-6));
            assertThat(Samples.toDoubles(iwae.kl())).containsExactly(Samples.toDoubles(mc.kl()), within(1e-6));
        }
    }

    @Test
    void boundIsAtLeastTheAverageSingleSampleElboForTheSameParticles() {
        try (NDManager m = NDManager.newBaseManager()) {
            Engine.getInstance().setRandomSeed(7);
            NDArray x = m.create(new float[] {-0.3f, 1.7f, 4f}, new Shape(3, 1));
            DiagonalNormal q = DiagonalNormal.fromLogVariance(m.zeros(new Shape(3, 1)), m.zeros(new Shape(3, 1)));
            NDArray noise = m.randomNormal(new Shape(50, 3, 1));
            StandardNormal prior = new StandardNormal(m, 1);
            ElboTerms iwae = new ImportanceWeightedElbo(50).estimate(q, prior, MODEL.likelihood(m), x, noise);
            double[] bound = Samples.toDoubles(iwae.elbo());
            double[] recon = Samples.toDoubles(iwae.reconstruction());
            double[] kl = Samples.toDoubles(iwae.kl());
            for (int b = 0; b < 3; b++) {
                // Jensen on the same particles: log mean w ≥ mean log w
                assertThat(bound[b]).isGreaterThanOrEqualTo(recon[b] - kl[b]);
            }
        }
    }
}
