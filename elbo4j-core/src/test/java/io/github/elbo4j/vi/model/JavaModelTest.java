package io.github.elbo4j.vi.model;

import static io.github.elbo4j.vi.density.Densities.cauchy;
import static io.github.elbo4j.vi.density.Densities.normal;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.github.elbo4j.vi.Constraint;
import io.github.elbo4j.vi.GaussianVi;
import io.github.elbo4j.vi.ParameterBlock;
import io.github.elbo4j.vi.UnconstrainedDensity;
import io.github.elbo4j.vi.ViConfig;
import io.github.elbo4j.vi.autodiff.Value;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class JavaModelTest {

    static final Value Y = Value.constant(28, 8, -3, 7, -1, 1, 18, 12);
    static final Value SIGMA = Value.constant(15, 10, 16, 11, 9, 11, 10, 18);

    static JavaModel eightSchools() {
        return JavaModel.of(m -> {
            Value mu = m.real("mu");
            Value tau = m.positive("tau");
            Value thetaRaw = m.real("theta_raw", 8);
            Value theta = thetaRaw.times(tau).plus(mu);
            m.add(normal(thetaRaw, 0, 1));
            m.add(normal(Y, theta, SIGMA));
            m.add(normal(mu, 0, 5));
            m.add(cauchy(tau, 0, 5));
        });
    }

    /** Central differences of f against the tape's gradient, at a few random points. */
    static void assertGradientMatchesFiniteDifferences(JavaModel model, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        int d = model.dimension();
        for (int trial = 0; trial < 3; trial++) {
            double[] z = new double[d];
            for (int i = 0; i < d; i++) {
                z[i] = 0.8 * random.nextGaussian();
            }
            double[] gradient = new double[d];
            double f = model.logDensity(z, gradient);
            assertThat(model.logDensity(z, null)).isEqualTo(f);
            for (int i = 0; i < d; i++) {
                double h = 1e-6;
                double[] up = z.clone();
                double[] down = z.clone();
                up[i] += h;
                down[i] -= h;
                double numeric = (model.logDensity(up, null) - model.logDensity(down, null)) / (2 * h);
                assertThat(gradient[i]).as("∂f/∂z[%d]", i).isCloseTo(numeric, within(1e-5 * (1 + Math.abs(numeric))));
            }
        }
    }

    @Test
    void buildingFindsTheParameterBlocksInDeclarationOrder() {
        JavaModel model = eightSchools();
        assertThat(model.blocks())
                .containsExactly(
                        ParameterBlock.scalar("mu", Constraint.real()),
                        ParameterBlock.scalar("tau", Constraint.positive()),
                        new ParameterBlock("theta_raw", new int[] {8}, Constraint.real()));
        assertThat(model.dimension()).isEqualTo(10);
    }

    @Test
    void logDensityIsTheLogJointPlusTheLogJacobianInClosedForm() {
        JavaModel model = eightSchools();
        double[] z = {1.5, 0.3, 0.2, -0.4, 1.1, 0.0, -1.3, 0.7, 0.5, -0.2};
        double mu = z[0];
        double tau = Math.exp(z[1]);
        double expected = -0.5 * Math.log(2 * Math.PI) * 17
                - 0.5 * (mu / 5) * (mu / 5)
                - Math.log(5)
                - Math.log(Math.PI * 5)
                - Math.log1p((tau / 5) * (tau / 5))
                + z[1];
        double[] y = Y.toArray();
        double[] sigma = SIGMA.toArray();
        for (int j = 0; j < 8; j++) {
            double theta = mu + tau * z[2 + j];
            expected += -0.5 * z[2 + j] * z[2 + j] - 0.5 * Math.pow((y[j] - theta) / sigma[j], 2) - Math.log(sigma[j]);
        }
        assertThat(model.logDensity(z, null)).isCloseTo(expected, within(1e-12));
        assertGradientMatchesFiniteDifferences(model, 7);
    }

    @Test
    void theDensityEvaluatesBatchesOfPoints() {
        JavaModel model = eightSchools();
        SplittableRandom random = new SplittableRandom(2);
        int count = 3;
        double[] z = new double[count * 10];
        for (int i = 0; i < z.length; i++) {
            z[i] = random.nextGaussian();
        }
        double[] values = new double[count];
        double[] gradient = new double[count * 10];
        try (UnconstrainedDensity density = model.unconstrainedDensity()) {
            density.evaluate(z, count, null, values, gradient);
            assertThat(density.engine()).isEqualTo("Java");
        }
        for (int s = 0; s < count; s++) {
            double[] point = Arrays.copyOfRange(z, s * 10, s * 10 + 10);
            double[] expectedGradient = new double[10];
            assertThat(values[s]).isEqualTo(model.logDensity(point, expectedGradient));
            assertThat(Arrays.copyOfRange(gradient, s * 10, s * 10 + 10)).containsExactly(expectedGradient);
        }
    }

    @Test
    void everyKindOfDeclarationDifferentiates() {
        Value lowerBounds = Value.constant(-1.0, 0.0, 1.0);
        JavaModel model = JavaModel.of(m -> {
            Value a = m.real("a");
            Value b = m.matrix("b", 2, 3);
            Value p = m.bounded("p", 0, 1);
            Value above = m.lowerBounded("above", 3, lowerBounds);
            Value below = m.upperBounded("below", 2, 4.0);
            Value w = m.simplex("w", 3);
            Value cut = m.ordered("cut", 3);
            Value rates = m.positiveOrdered("rates", 2);
            Value l = m.choleskyFactorCorr("L", 3);
            Value v = m.parameter("v", new int[] {2, 2}, Constraint.positive());
            m.add(normal(a, 0, 1));
            m.add(normal(b.multiply(w), a, Value.constant(2.0)));
            m.add(p.log().plus(above.dot(w)).plus(below.sum().times(0.1)));
            m.add(normal(cut, 0, 2));
            m.add(rates.log().negate().minus(rates));
            m.add(l.multiply(cut).square().sum().times(-0.3));
            m.add(v.log().sum().minus(v.sum()));
        });
        assertThat(model.blocks())
                .extracting(ParameterBlock::name)
                .containsExactly("a", "b", "p", "above", "below", "w", "cut", "rates", "L", "v");
        assertThat(model.blocks().get(3).constraint()).isEqualTo(Constraint.varyingBounds(true, false));
        assertThat(model.blocks().get(4).constraint()).isEqualTo(Constraint.upperBounded(4.0));
        assertThat(model.dimension()).isEqualTo(1 + 6 + 1 + 3 + 2 + 2 + 3 + 2 + 3 + 4);
        assertGradientMatchesFiniteDifferences(model, 11);
        double[][] values = model.constrain(new double[model.dimension()]);
        assertThat(values[8]).hasSize(9);
        assertThat(values[3]).containsExactly(0.0, 1.0, 2.0);
    }

    @Test
    void boundsMayDependOnOtherParameters() {
        // mu ~ N(0, 1), y − mu ~ Exponential(1), x ~ Uniform(mu, mu + 2): with y = mu + e^u and
        // x = mu + 2σ(v), f(z) = log N(mu) − e^u + u − log 2 + log 2 + log σ(v) + log σ(−v).
        JavaModel model = JavaModel.of(m -> {
            Value mu = m.real("mu");
            Value y = m.lowerBounded("y", mu);
            Value x = m.bounded("x", mu, mu.plus(2.0));
            m.add(normal(mu, 0, 1));
            m.add(y.minus(mu).negate());
            m.add(Value.constant(-Math.log(2)).plus(x.times(0.0)));
        });
        double mu = 0.7;
        double u = -0.4;
        double v = 1.3;
        double expected = -0.5 * mu * mu
                - 0.5 * Math.log(2 * Math.PI)
                - Math.exp(u)
                + u
                - Math.log1p(Math.exp(-v))
                - Math.log1p(Math.exp(v));
        assertThat(model.logDensity(new double[] {mu, u, v}, null)).isCloseTo(expected, within(1e-12));
        assertGradientMatchesFiniteDifferences(model, 5);
        double[][] values = model.constrain(new double[] {mu, u, v});
        assertThat(values[1][0]).isCloseTo(mu + Math.exp(u), within(1e-12));
        assertThat(values[2][0]).isCloseTo(mu + 2 / (1 + Math.exp(-v)), within(1e-12));
    }

    @Test
    void constrainRunsTheCodeOnlyUpToTheLastDeclaration() {
        // What follows the declarations (a time series' likelihood) is not needed for the values.
        AtomicInteger likelihoods = new AtomicInteger();
        JavaModel model = JavaModel.of(m -> {
            Value mu = m.real("mu");
            Value y = m.lowerBounded("y", mu);
            likelihoods.incrementAndGet();
            m.add(normal(y, mu, 1.0));
        });
        int afterBuilding = likelihoods.get();
        double[][] values = model.constrain(new double[] {0.5, 0.25});
        assertThat(likelihoods.get()).isEqualTo(afterBuilding);
        assertThat(values[0]).containsExactly(0.5);
        assertThat(values[1][0]).isCloseTo(0.5 + Math.exp(0.25), within(1e-15));
        model.logDensity(new double[] {0.5, 0.25}, null);
        assertThat(likelihoods.get()).isEqualTo(afterBuilding + 1);
    }

    @Test
    void duplicateNamesAndMissingParametersAreOneLineErrors() {
        assertThatThrownBy(() -> JavaModel.of(m -> {
                    m.real("mu");
                    m.positive("mu");
                }))
                .hasMessageStartingWith("in the model at JavaModelTest.java:")
                .hasMessageEndingWith("(after parameter 'mu'): duplicate parameter name 'mu'")
                .hasMessageNotContaining("\n");
        assertThatThrownBy(() -> JavaModel.of(m -> m.add(Value.constant(1.0))))
                .hasMessageContaining("declares no parameter");
        assertThatThrownBy(() -> JavaModel.of(m -> m.lowerBounded("x", 3, Value.constant(1.0, 2.0))))
                .hasMessageContaining("lower bound of parameter 'x' has 2 values; it needs 1 or 3");
    }

    @Test
    void shapeMismatchesNameTheModelLineAndTheLastParameter() {
        assertThatThrownBy(() -> JavaModel.of(m -> {
                    Value theta = m.real("theta", 8);
                    m.add(Value.constant(1.0, 2.0, 3.0).minus(theta).square());
                }))
                .isInstanceOf(ModelException.class)
                .hasMessageContaining("JavaModelTest.java:")
                .hasMessageContaining("after parameter 'theta'")
                .hasMessageContaining("shapes [3] and [8]")
                .hasMessageEndingWith("; parameter 'theta' has shape [8]")
                .hasMessageNotContaining("\n");
    }

    @Test
    void declarationsThatChangeBetweenRunsAreRejected() {
        AtomicBoolean built = new AtomicBoolean();
        JavaModel model = JavaModel.of(m -> {
            Value a = m.real("a");
            if (built.get()) {
                m.real("b");
            }
            m.add(normal(a, 0, 1));
        });
        built.set(true);
        assertThatThrownBy(() -> model.logDensity(new double[1], null))
                .hasMessageContaining("parameter 'b' is declared in this run but was not when the model was built");
        AtomicBoolean positive = new AtomicBoolean();
        JavaModel changing = JavaModel.of(m -> m.add(normal(positive.get() ? m.positive("s") : m.real("s"), 0, 1)));
        positive.set(true);
        assertThatThrownBy(() -> changing.logDensity(new double[1], null))
                .hasMessageContaining("declaration 1 is s[] positive in this run but was s[] real");
    }

    @Test
    void aFitOfADensityThatIsNeverFiniteSaysWhichTermIsAtFault() {
        JavaModel model = JavaModel.of(m -> {
            Value sigma = m.positive("sigma");
            m.add(normal(sigma, 0, 1));
            m.add(sigma.minus(1e9).log());
        });
        assertThatThrownBy(() -> GaussianVi.fit(model, ViConfig.builder().build()))
                .hasMessageContaining("not finite at any of")
                .hasMessageContaining("; at the origin, the term added at JavaModelTest.java:")
                .hasMessageEndingWith("is NaN")
                .hasMessageNotContaining("\n");
    }

    @Test
    void aNonFiniteDensityIsExplainedByItsTerm() {
        JavaModel model = JavaModel.of(m -> {
            Value sigma = m.positive("sigma");
            m.add(normal(sigma, 0, 1));
            m.add(sigma.minus(1.0).log());
        });
        assertThat(model.logDensity(new double[] {-1.0}, null)).isNaN();
        assertThat(model.explainNonFinite(new double[] {-1.0}))
                .hasValueSatisfying(reason -> assertThat(reason)
                        .startsWith("the term added at JavaModelTest.java:")
                        .endsWith("is NaN"));
        assertThat(model.explainNonFinite(new double[] {1.0})).isEmpty();
        assertThat(model.blocks()).hasSize(1);
        assertThat(List.of(model.constrain(new double[] {0.0})[0][0])).containsExactly(1.0);
    }
}
