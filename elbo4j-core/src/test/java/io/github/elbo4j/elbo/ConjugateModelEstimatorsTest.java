package io.github.elbo4j.elbo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import io.github.elbo4j.distributions.DiagonalNormal;
import io.github.elbo4j.distributions.StandardNormal;
import io.github.elbo4j.testing.Samples;
import org.junit.jupiter.api.Test;

/**
 * Every estimator against the exact evidence and posterior of the conjugate Normal–Normal model.
 */
class ConjugateModelEstimatorsTest {

    private static final ConjugateGaussianModel MODEL = new ConjugateGaussianModel(0.5);
    private static final float[] X = {-1.5f, 0f, 0.7f, 2.5f};
    private static final int B = X.length;
    // A deliberately imperfect Gaussian: shifted by 0.4 and 1.6 times wider than the posterior.
    private static final double SHIFT = 0.4;
    private static final double WIDTH = 1.6;

    private static DiagonalNormal imperfectPosterior(NDManager m) {
        float[] loc = new float[B];
        float[] logScale = new float[B];
        for (int b = 0; b < B; b++) {
            loc[b] = (float) (MODEL.posteriorMean(X[b]) + SHIFT);
            logScale[b] = (float) Math.log(WIDTH * Math.sqrt(MODEL.posteriorVariance()));
        }
        return DiagonalNormal.fromLogScale(m.create(loc, new Shape(B, 1)), m.create(logScale, new Shape(B, 1)));
    }

    private static DiagonalNormal exactPosterior(NDManager m) {
        float[] loc = new float[B];
        float[] logVariance = new float[B];
        for (int b = 0; b < B; b++) {
            loc[b] = (float) MODEL.posteriorMean(X[b]);
            logVariance[b] = (float) Math.log(MODEL.posteriorVariance());
        }
        return DiagonalNormal.fromLogVariance(m.create(loc, new Shape(B, 1)), m.create(logVariance, new Shape(B, 1)));
    }

    /** log w = log p(x | z) + log p(z) − log q(z) per particle, shape [S, B]. */
    private static NDArray logWeights(NDManager m, DiagonalNormal q, NDArray x, NDArray noise) {
        NDArray z = q.rsample(noise);
        return MODEL.likelihood(m)
                .likelihood(z)
                .logProb(x)
                .add(new StandardNormal(m, 1).logProb(z))
                .sub(q.logProb(z));
    }

    @Test
    void importanceSamplingEstimateIsWithinFourStandardErrorsOfTheExactEvidence() {
        int n = 20_000;
        try (NDManager m = NDManager.newBaseManager()) {
            Engine.getInstance().setRandomSeed(101);
            NDArray x = m.create(X, new Shape(B, 1));
            NDArray logW = logWeights(m, imperfectPosterior(m), x, m.randomNormal(new Shape(n, B, 1)));
            double[] batchEstimate = Samples.toDoubles(ImportanceSampling.logEvidence(logW, 0));
            for (int b = 0; b < B; b++) {
                LogEvidenceEstimate estimate = ImportanceSampling.logEvidence(logW.get(new NDIndex(":, {}", b)));
                double exact = MODEL.logEvidence(X[b]);
                assertThat(estimate.numSamples()).isEqualTo(n);
                assertThat(estimate.standardError()).isPositive();
                assertThat(estimate.logEvidence())
                        .as(
                                "x = %s: estimate %s ± %s vs exact %s",
                                X[b], estimate.logEvidence(), estimate.standardError(), exact)
                        .isCloseTo(exact, within(4 * estimate.standardError()));
                assertThat(estimate.effectiveSampleSize())
                        .isBetween(1.0, (double) n)
                        .isLessThan(0.99 * n);
                assertThat(batchEstimate[b]).isCloseTo(estimate.logEvidence(), within(1e-5));
            }
        }
    }

    @Test
    void monteCarloElboMatchesItsExactValueAndLiesBelowTheEvidence() {
        int s = 20_000;
        try (NDManager m = NDManager.newBaseManager()) {
            Engine.getInstance().setRandomSeed(202);
            NDArray x = m.create(X, new Shape(B, 1));
            NDArray noise = m.randomNormal(new Shape(s, B, 1));
            DiagonalNormal q = imperfectPosterior(m);
            StandardNormal prior = new StandardNormal(m, 1);
            ElboTerms mc = new MonteCarloElbo(s).estimate(q, prior, MODEL.likelihood(m), x, noise);
            ElboTerms analytic = new AnalyticKlElbo(s).estimate(q, prior, MODEL.likelihood(m), x, noise);
            NDArray logW = logWeights(m, q, x, noise);
            double[] allW = Samples.toDoubles(logW);
            double[] elbo = Samples.toDoubles(mc.elbo());
            double[] analyticElbo = Samples.toDoubles(analytic.elbo());
            double[] recon = Samples.toDoubles(analytic.reconstruction());
            double[] kl = Samples.toDoubles(analytic.kl());
            double[] perParticleLogLik = Samples.toDoubles(
                    MODEL.likelihood(m).likelihood(q.rsample(noise)).logProb(x));
            for (int b = 0; b < B; b++) {
                double logEvidence = MODEL.logEvidence(X[b]);
                double qScale = WIDTH * Math.sqrt(MODEL.posteriorVariance());
                double exactElbo = logEvidence - MODEL.klToPosterior(X[b], MODEL.posteriorMean(X[b]) + SHIFT, qScale);
                double[] column = Samples.column(allW, B, b);
                double se = Samples.standardError(column);
                assertThat(elbo[b]).isCloseTo(Samples.mean(column), within(1e-4));
                assertThat(elbo[b]).as("MC ELBO vs exact ELBO").isCloseTo(exactElbo, within(4 * se));
                assertThat(elbo[b]).isLessThan(logEvidence);
                assertThat(elbo[b])
                        .isLessThan(ImportanceSampling.logEvidence(logW.get(new NDIndex(":, {}", b)))
                                .logEvidence());
                double reconSe = Samples.standardError(Samples.column(perParticleLogLik, B, b));
                assertThat(analyticElbo[b])
                        .as("analytic-KL ELBO vs exact ELBO")
                        .isCloseTo(exactElbo, within(4 * reconSe));
                assertThat(analyticElbo[b]).isCloseTo(recon[b] - kl[b], within(1e-5));
                assertThat(analyticElbo[b]).isLessThan(logEvidence);
            }
            double[] mcRecon = Samples.toDoubles(mc.reconstruction());
            double[] mcKl = Samples.toDoubles(mc.kl());
            for (int b = 0; b < B; b++) {
                assertThat(elbo[b]).isCloseTo(mcRecon[b] - mcKl[b], within(1e-5));
            }
        }
    }

    @Test
    void everyEstimatorRecoversTheEvidenceExactlyWhenQIsTheExactPosterior() {
        int s = 256;
        try (NDManager m = NDManager.newBaseManager()) {
            Engine.getInstance().setRandomSeed(303);
            NDArray x = m.create(X, new Shape(B, 1));
            NDArray noise = m.randomNormal(new Shape(s, B, 1));
            DiagonalNormal q = exactPosterior(m);
            StandardNormal prior = new StandardNormal(m, 1);
            // Every importance weight equals p(x): zero variance.
            double[] allW = Samples.toDoubles(logWeights(m, q, x, noise));
            for (int i = 0; i < allW.length; i++) {
                assertThat(allW[i]).isCloseTo(MODEL.logEvidence(X[i % B]), within(1e-5));
            }
            double[] mc = Samples.toDoubles(new MonteCarloElbo(s)
                    .estimate(q, prior, MODEL.likelihood(m), x, noise)
                    .elbo());
            double[] iwae = Samples.toDoubles(new ImportanceWeightedElbo(s)
                    .estimate(q, prior, MODEL.likelihood(m), x, noise)
                    .elbo());
            double[] single = Samples.toDoubles(new MonteCarloElbo(1)
                    .estimate(q, prior, MODEL.likelihood(m), x, noise.get(new NDIndex(":1")))
                    .elbo());
            NDArray logW = logWeights(m, q, x, noise);
            for (int b = 0; b < B; b++) {
                double exact = MODEL.logEvidence(X[b]);
                assertThat(mc[b]).isCloseTo(exact, within(1e-5));
                assertThat(iwae[b]).isCloseTo(exact, within(1e-5));
                assertThat(single[b]).isCloseTo(exact, within(1e-5));
                LogEvidenceEstimate is = ImportanceSampling.logEvidence(logW.get(new NDIndex(":, {}", b)));
                assertThat(is.logEvidence()).isCloseTo(exact, within(1e-5));
                assertThat(is.effectiveSampleSize()).isCloseTo(s, within(1e-6 * s));
                assertThat(is.standardError()).isLessThan(1e-5);
            }
            // The analytic-KL estimator is unbiased but not exact: only its KL term is exact.
            ElboTerms analytic = new AnalyticKlElbo(s).estimate(q, prior, MODEL.likelihood(m), x, noise);
            double[] elbo = Samples.toDoubles(analytic.elbo());
            double[] logLik = Samples.toDoubles(
                    MODEL.likelihood(m).likelihood(q.rsample(noise)).logProb(x));
            for (int b = 0; b < B; b++) {
                double se = Samples.standardError(Samples.column(logLik, B, b));
                assertThat(se).isPositive();
                assertThat(elbo[b]).isCloseTo(MODEL.logEvidence(X[b]), within(4 * se));
            }
        }
    }
}
