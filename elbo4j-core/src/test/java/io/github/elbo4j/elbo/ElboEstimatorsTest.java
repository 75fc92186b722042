package io.github.elbo4j.elbo;

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
import io.github.elbo4j.distributions.MultivariateNormal;
import io.github.elbo4j.distributions.Normal;
import io.github.elbo4j.distributions.StandardNormal;
import io.github.elbo4j.math.SpecialFunctions;
import io.github.elbo4j.testing.Samples;
import java.util.List;
import org.junit.jupiter.api.Test;

class ElboEstimatorsTest {

    private static final List<ElboEstimator> SINGLE_PARTICLE =
            List.of(new AnalyticKlElbo(1), new MonteCarloElbo(1), new ImportanceWeightedElbo(1));

    @Test
    void analyticKlElboAtZeroNoiseEqualsTheClosedFormGaussianElbo() {
        double[] mu = {0.3, -1.1, 2.0};
        double[] logSigma = {-0.2, 0.4, 0.0};
        double[] x = {1.0, -0.5, 2.5};
        double expected = GaussianElbo.singleSample(mu, logSigma, x) - 3 * SpecialFunctions.HALF_LOG_2PI;
        try (NDManager m = NDManager.newBaseManager()) {
            DiagonalNormal q = DiagonalNormal.fromLogScale(
                    m.create(toFloat(mu), new Shape(1, 3)), m.create(toFloat(logSigma), new Shape(1, 3)));
            NDArray unitLogScale = m.zeros(new Shape(3));
            LikelihoodModel unitGaussian = z -> DiagonalNormal.fromLogScale(z, unitLogScale);
            ElboTerms terms = new AnalyticKlElbo(1)
                    .estimate(
                            q,
                            new StandardNormal(m, 3),
                            unitGaussian,
                            m.create(toFloat(x), new Shape(1, 3)),
                            m.zeros(new Shape(1, 1, 3)));
            assertThat((double) terms.elbo().getFloat(0)).isCloseTo(expected, within(1e-5));
        }
    }

    @Test
    void allEstimatorsAgreeOnTheReferenceCaseWithZeroNoise() {
        try (NDManager m = NDManager.newBaseManager()) {
            DiagonalNormal q = DiagonalNormal.fromLogScale(m.zeros(new Shape(1, 2)), m.zeros(new Shape(1, 2)));
            NDArray unitLogScale = m.zeros(new Shape(2));
            LikelihoodModel unitGaussian = z -> DiagonalNormal.fromLogScale(z, unitLogScale);
            // docs/ARCHITECTURE.md, "The mathematics": μ = 0, log σ = 0, x = 0, ε = 0 ⇒ ELBO = 0 (without the Gaussian
            // constant)
            for (ElboEstimator estimator : SINGLE_PARTICLE) {
                ElboTerms terms = estimator.estimate(
                        q,
                        new StandardNormal(m, 2),
                        unitGaussian,
                        m.zeros(new Shape(1, 2)),
                        m.zeros(new Shape(1, 1, 2)));
                assertThat(terms.elbo().getFloat(0) + 2 * SpecialFunctions.HALF_LOG_2PI)
                        .as(estimator.toString())
                        .isCloseTo(0.0, within(1e-6));
                assertThat(terms.kl().getFloat(0)).as(estimator.toString()).isCloseTo(0f, within(1e-6f));
            }
        }
    }

    @Test
    void gradientsOfTheAnalyticKlElboMatchTheReparameterisationCalculus() {
        // 1-D conjugate model, σ_x² = 0.5: ELBO(ε) = log N(x; μ + σε, σ_x²) − KL(N(μ, σ²) ‖ N(0,
        // 1))
        double noiseVariance = 0.5;
        ConjugateGaussianModel model = new ConjugateGaussianModel(noiseVariance);
        float mu = 0.4f;
        float logSigma = -0.3f;
        float eps = 0.7f;
        float x = 1.5f;
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray loc = m.create(new float[] {mu}, new Shape(1, 1));
            NDArray logScale = m.create(new float[] {logSigma}, new Shape(1, 1));
            loc.setRequiresGradient(true);
            logScale.setRequiresGradient(true);
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                ElboTerms terms = new AnalyticKlElbo(1)
                        .estimate(
                                DiagonalNormal.fromLogScale(loc, logScale),
                                new StandardNormal(m, 1),
                                model.likelihood(m),
                                m.create(new float[] {x}, new Shape(1, 1)),
                                m.create(new float[] {eps}, new Shape(1, 1, 1)));
                gc.backward(terms.elbo().sum());
            }
            double sigma = Math.exp(logSigma);
            double z = mu + sigma * eps;
            double residual = (x - z) / noiseVariance;
            assertThat((double) loc.getGradient().getFloat(0, 0)).isCloseTo(residual - mu, within(1e-5));
            assertThat((double) logScale.getGradient().getFloat(0, 0))
                    .isCloseTo(residual * sigma * eps - (sigma * sigma - 1), within(1e-5));
        }
    }

    @Test
    void estimatorsReturnPerExampleTermsAndFreeTheirTemporaries() {
        try (NDManager params = NDManager.newBaseManager();
                NDManager data = NDManager.newBaseManager();
                NDManager decoder = NDManager.newBaseManager()) {
            Engine.getInstance().setRandomSeed(42);
            NDArray loc = params.randomNormal(new Shape(5, 2));
            NDArray logVar = params.randomNormal(0f, 0.1f, new Shape(5, 2), DataType.FLOAT32);
            NDArray weights = decoder.randomNormal(new Shape(2, 4));
            NDArray x;
            try (NDManager temporary = data.newSubManager()) {
                x = temporary.randomUniform(0f, 1f, new Shape(5, 4)).lt(0.5f).toType(DataType.FLOAT32, false);
                x.attach(data);
            }
            NDArray noise = data.randomNormal(new Shape(3, 5, 2));
            LikelihoodModel decode = z -> new Bernoulli(z.matMul(weights));
            StandardNormal prior = new StandardNormal(decoder, 2);
            for (ElboEstimator estimator :
                    List.of(new AnalyticKlElbo(3), new MonteCarloElbo(3), new ImportanceWeightedElbo(3))) {
                DiagonalNormal q = DiagonalNormal.fromLogVariance(loc, logVar);
                ElboTerms terms = estimator.estimate(q, prior, decode, x, noise);
                assertThat(terms.elbo().getShape()).isEqualTo(new Shape(5));
                assertThat(terms.reconstruction().getShape()).isEqualTo(new Shape(5));
                assertThat(terms.kl().getShape()).isEqualTo(new Shape(5));
                assertThat(params.getManagedArrays())
                        .as(estimator.toString())
                        .containsExactlyInAnyOrder(loc, logVar, terms.elbo(), terms.reconstruction(), terms.kl());
                assertThat(data.getManagedArrays()).containsExactlyInAnyOrder(x, noise);
                assertThat(decoder.getManagedArrays()).containsExactly(weights);
                terms.elbo().close();
                terms.reconstruction().close();
                terms.kl().close();
            }
        }
    }

    @Test
    void rejectsNoiseWithTheWrongNumberOfParticles() {
        try (NDManager m = NDManager.newBaseManager()) {
            DiagonalNormal q = DiagonalNormal.fromLogScale(m.zeros(new Shape(2, 1)), m.zeros(new Shape(2, 1)));
            ConjugateGaussianModel model = new ConjugateGaussianModel(1.0);
            assertThatThrownBy(() -> new ImportanceWeightedElbo(5)
                            .estimate(
                                    q,
                                    new StandardNormal(m, 1),
                                    model.likelihood(m),
                                    m.zeros(new Shape(2, 1)),
                                    m.zeros(new Shape(4, 2, 1))))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining(
                            "ImportanceWeightedElbo: noise must have shape [S, B, D] with S =" + " numParticles() = 5")
                    .hasMessageContaining("(4, 2, 1)");
            assertThatThrownBy(() -> new MonteCarloElbo(0))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("numParticles must be at least 1");
        }
    }

    @Test
    void rejectsAnElementwiseLikelihoodThatDoesNotSumOverObservations() {
        try (NDManager m = NDManager.newBaseManager()) {
            DiagonalNormal q = DiagonalNormal.fromLogScale(m.zeros(new Shape(2, 3)), m.zeros(new Shape(2, 3)));
            NDArray one = m.create(1f);
            LikelihoodModel elementwise = z -> new Normal(z, one);
            assertThatThrownBy(() -> new MonteCarloElbo(4)
                            .estimate(
                                    q,
                                    new StandardNormal(m, 3),
                                    elementwise,
                                    m.zeros(new Shape(2, 3)),
                                    m.zeros(new Shape(4, 2, 3))))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("likelihood(z).logProb(x) must have shape [S, ...batch] = (4, 2)")
                    .hasMessageContaining("not the elementwise Normal");
        }
    }

    @Test
    void analyticKlElboExplainsAMissingClosedForm() {
        try (NDManager m = NDManager.newBaseManager()) {
            DiagonalNormal q = DiagonalNormal.fromLogScale(m.zeros(new Shape(2, 2)), m.zeros(new Shape(2, 2)));
            MultivariateNormal prior = new MultivariateNormal(m.zeros(new Shape(2)), m.eye(2));
            NDArray unit = m.zeros(new Shape(2));
            assertThatThrownBy(() -> new AnalyticKlElbo(1)
                            .estimate(
                                    q,
                                    prior,
                                    z -> DiagonalNormal.fromLogScale(z, unit),
                                    m.zeros(new Shape(2, 2)),
                                    m.zeros(new Shape(1, 2, 2))))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("AnalyticKlElbo needs a closed-form KL divergence")
                    .hasMessageContaining("DiagonalNormal ‖ MultivariateNormal")
                    .hasMessageContaining("use MonteCarloElbo");
            // the Monte Carlo estimators need no closed form for the same pair
            ElboTerms terms = new MonteCarloElbo(1)
                    .estimate(
                            q,
                            prior,
                            z -> DiagonalNormal.fromLogScale(z, unit),
                            m.zeros(new Shape(2, 2)),
                            m.zeros(new Shape(1, 2, 2)));
            assertThat(Samples.toDoubles(terms.kl())).containsExactly(new double[] {0, 0}, within(1e-6));
        }
    }

    private static float[] toFloat(double[] a) {
        float[] out = new float[a.length];
        for (int i = 0; i < a.length; i++) {
            out[i] = (float) a[i];
        }
        return out;
    }
}
