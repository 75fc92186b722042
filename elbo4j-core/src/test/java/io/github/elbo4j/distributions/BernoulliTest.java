package io.github.elbo4j.distributions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import io.github.elbo4j.math.SpecialFunctions;
import io.github.elbo4j.testing.Samples;
import org.hipparchus.distribution.discrete.BinomialDistribution;
import org.junit.jupiter.api.Test;

class BernoulliTest {

    @Test
    void logProbMatchesHipparchusBinomialWithOneTrialAtManyLogits() {
        int n = 121;
        float[] logits = new float[n];
        for (int i = 0; i < n; i++) {
            logits[i] = -15f + 0.25f * i;
        }
        try (NDManager m = NDManager.newBaseManager()) {
            Bernoulli bernoulli = new Bernoulli(m.create(logits, new Shape(n, 1)));
            for (int k = 0; k <= 1; k++) {
                NDArray x = m.full(new Shape(n, 1), k);
                double[] got = Samples.toDoubles(bernoulli.logProb(x));
                assertThat(got).hasSize(n);
                for (int i = 0; i < n; i++) {
                    double p = 1.0 / (1.0 + Math.exp(-(double) logits[i]));
                    double expected = new BinomialDistribution(1, p).logProbability(k);
                    // float32: relative 1e-5, or a few ulps of |l| where x·l and softplus(l) cancel
                    double tolerance = Math.max(1e-5 * Math.abs(expected), 4 * Math.ulp((float) Math.abs(logits[i])));
                    assertThat(got[i]).as("log P(x=%s | l=%s)", k, logits[i]).isCloseTo(expected, within(tolerance));
                }
            }
        }
    }

    @Test
    void entropyMatchesHipparchusBinomialWithOneTrial() {
        float[] logits = {-12f, -3f, -0.5f, 0f, 0.7f, 4f, 9f};
        try (NDManager m = NDManager.newBaseManager()) {
            double[] got = Samples.toDoubles(new Bernoulli(m.create(logits, new Shape(logits.length, 1))).entropy());
            for (int i = 0; i < logits.length; i++) {
                double p = 1.0 / (1.0 + Math.exp(-(double) logits[i]));
                BinomialDistribution oracle = new BinomialDistribution(1, p);
                double expected = 0;
                for (int k = 0; k <= 1; k++) {
                    expected -= oracle.probability(k) * oracle.logProbability(k);
                }
                assertThat(got[i]).isCloseTo(expected, within(1e-5 * expected + 1e-9));
            }
        }
    }

    @Test
    void logProbIsFiniteAndExactForExtremeLogits() {
        try (NDManager m = NDManager.newBaseManager()) {
            Bernoulli bernoulli = new Bernoulli(m.create(new float[][] {{1e4f}, {1e4f}, {-1e4f}, {-1e4f}}));
            NDArray x = m.create(new float[][] {{1f}, {0f}, {1f}, {0f}});
            double[] got = Samples.toDoubles(bernoulli.logProb(x));
            assertThat(got).containsExactly(0.0, -1e4, -1e4, 0.0);
            assertThat(Samples.toDoubles(bernoulli.entropy())).containsOnly(0.0);
        }
    }

    @Test
    void logProbEqualsTheNaiveFormulaForModerateLogits() {
        try (NDManager m = NDManager.newBaseManager()) {
            Engine.getInstance().setRandomSeed(4);
            NDArray logits = m.randomNormal(0f, 3f, new Shape(8, 10), ai.djl.ndarray.types.DataType.FLOAT32);
            NDArray x = m.randomUniform(0f, 1f, new Shape(8, 10))
                    .lt(0.5f)
                    .toType(ai.djl.ndarray.types.DataType.FLOAT32, false);
            double[] l = Samples.toDoubles(logits);
            double[] xs = Samples.toDoubles(x);
            double[] got = Samples.toDoubles(new Bernoulli(logits).logProb(x));
            for (int b = 0; b < 8; b++) {
                double naive = 0;
                for (int j = 0; j < 10; j++) {
                    double p = 1.0 / (1.0 + Math.exp(-l[b * 10 + j]));
                    naive += xs[b * 10 + j] * Math.log(p) + (1 - xs[b * 10 + j]) * Math.log(1 - p);
                }
                assertThat(got[b]).isCloseTo(naive, within(Samples.tolerance(naive, 1e-5)));
            }
        }
    }

    @Test
    void gradientWithRespectToLogitsIsTheResidual() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray logits = m.create(new float[] {0f, 2f, -30f, 30f});
            logits.setRequiresGradient(true);
            NDArray x = m.create(new float[] {1f, 0f, 1f, 1f});
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                gc.backward(new Bernoulli(logits).logProb(x));
            }
            double[] g = Samples.toDoubles(logits.getGradient());
            float[] l = {0f, 2f, -30f, 30f};
            float[] xs = {1f, 0f, 1f, 1f};
            for (int i = 0; i < 4; i++) {
                double expected = xs[i] - 1.0 / (1.0 + Math.exp(-l[i]));
                assertThat(g[i]).isCloseTo(expected, within(1e-6));
            }
        }
    }

    @Test
    void sampleFrequenciesMatchProbabilitiesWithinFourStandardErrors() {
        int n = 40_000;
        float[] logits = {-2f, 0f, 1.5f};
        try (NDManager m = NDManager.newBaseManager()) {
            Engine.getInstance().setRandomSeed(99);
            Bernoulli bernoulli = new Bernoulli(m.create(logits));
            NDArray draws = bernoulli.sample(m, n);
            assertThat(draws.getShape()).isEqualTo(new Shape(n, 3));
            double[] all = Samples.toDoubles(draws);
            double[] probs = Samples.toDoubles(bernoulli.probs());
            for (int j = 0; j < 3; j++) {
                double p = 1.0 / (1.0 + Math.exp(-logits[j]));
                assertThat(probs[j]).isCloseTo(p, within(1e-6));
                double[] column = Samples.column(all, 3, j);
                assertThat(column).containsOnly(0.0, 1.0);
                assertThat(Samples.mean(column)).isCloseTo(p, within(4 * Math.sqrt(p * (1 - p) / n)));
            }
            assertThat(Samples.toDoubles(bernoulli.mean())).containsExactly(probs);
        }
    }

    @Test
    void logProbSumsOverTheLastAxisAndBroadcastsParticles() {
        try (NDManager m = NDManager.newBaseManager()) {
            Bernoulli likelihood = new Bernoulli(m.zeros(new Shape(5, 3, 4)));
            NDArray x = m.ones(new Shape(3, 4));
            NDArray logProb = likelihood.logProb(x);
            assertThat(logProb.getShape()).isEqualTo(new Shape(5, 3));
            for (double v : Samples.toDoubles(logProb)) {
                assertThat(v).isCloseTo(4 * Math.log(0.5), within(1e-6));
            }
            assertThat(likelihood.batchShape()).isEqualTo(new Shape(5, 3));
            assertThat(likelihood.eventShape()).isEqualTo(new Shape(4));
            assertThatThrownBy(() -> likelihood.logProb(m.ones(new Shape(3, 5))))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("Bernoulli.logProb");
        }
    }

    @Test
    void particleLogProbEqualsTheElementwiseSumForEveryParticleAndExample() {
        try (NDManager m = NDManager.newBaseManager()) {
            m.getEngine().setRandomSeed(5);
            for (Shape batch : new Shape[] {new Shape(3), new Shape(2, 3)}) {
                NDArray logits = m.randomNormal(0, 3, new Shape(7).addAll(batch).add(6), DataType.FLOAT32);
                NDArray x = m.randomUniform(0, 1, batch.add(6)).lt(0.4f).toType(DataType.FLOAT32, false);
                double[] got = Samples.toDoubles(new Bernoulli(logits).logProb(x));
                double[] l = Samples.toDoubles(logits);
                double[] xs = Samples.toDoubles(x);
                int examples = (int) batch.size();
                assertThat(got).hasSize(7 * examples);
                for (int k = 0; k < 7; k++) {
                    for (int b = 0; b < examples; b++) {
                        double expected = 0;
                        for (int j = 0; j < 6; j++) {
                            double lj = l[(k * examples + b) * 6 + j];
                            expected += xs[b * 6 + j] * lj - SpecialFunctions.softplus(lj);
                        }
                        assertThat(got[k * examples + b])
                                .as("particle %d, example %d", k, b)
                                .isCloseTo(expected, within(1e-5));
                    }
                }
            }
        }
    }
}
