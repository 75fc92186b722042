package io.github.elbo4j.vi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDArray;
import io.github.elbo4j.math.SpecialFunctions;
import io.github.elbo4j.vi.fit.ModeFinder;
import org.junit.jupiter.api.Test;

class FitBehaviourTest {

    private static final ViConfig QUICK =
            ViConfig.builder().maxIterations(600).learningRate(0.05).seed(8).build();

    @Test
    void aFixedSeedGivesTheSameFit() {
        VariationalPosterior first = GaussianVi.fit(ConjugateFitTest.model(), QUICK);
        VariationalPosterior second = GaussianVi.fit(ConjugateFitTest.model(), QUICK);
        assertThat(second.gaussian().mean()).containsExactly(first.gaussian().mean());
        assertThat(second.elbo()).isEqualTo(first.elbo());
        assertThat(second.draws("mu")).isDeepEqualTo(first.draws("mu"));
        VariationalPosterior other = GaussianVi.fit(ConjugateFitTest.model(), QUICK.withSeed(9));
        assertThat(other.elbo()).isNotEqualTo(first.elbo());
    }

    @Test
    void aLogDensityThatIsNeverFiniteFailsNamingTheBlock() {
        Model model = Model.builder()
                .real("fine")
                .real("broken")
                .logJoint(p -> {
                    NDArray fine = p.get("fine").square().neg().sum(new int[] {1});
                    // log of a real parameter: NaN for every negative draw.
                    return fine.add(p.get("broken").log().sum(new int[] {1}).mul(SpecialFunctions.scalar(fine, 0)));
                })
                .build();
        assertThatThrownBy(() -> GaussianVi.fit(model, QUICK))
                .isInstanceOf(NonFiniteElboException.class)
                .hasMessageContaining("not finite")
                .hasMessageContaining("block(s) broken")
                .satisfies(
                        e -> assertThat(((NonFiniteElboException) e).blocks()).containsExactly("broken"));
    }

    @Test
    void aLogJointOfTheWrongShapeIsRejectedWithAHint() {
        Model model = Model.builder()
                .real("a", 3)
                .logJoint(p -> p.get("a").square().neg())
                .build();
        assertThatThrownBy(() -> GaussianVi.fit(model, QUICK))
                .isInstanceOf(IllegalArgumentException.class)
                // The first evaluation is the mode finder's, at its starting points, in one batch.
                .hasMessageContaining("one value per particle, shape [" + ModeFinder.RUNS + "]")
                .hasMessageContaining("returned (" + ModeFinder.RUNS + ", 3)");
    }

    @Test
    void modelsAndConfigurationsAreValidated() {
        assertThatThrownBy(() -> Model.builder().real("a").real("a")).hasMessageContaining("duplicate");
        assertThatThrownBy(() -> Model.builder().real("a").build()).hasMessageContaining("logJoint()");
        assertThatThrownBy(() -> ViConfig.builder().numParticles(0).build()).hasMessageContaining("numParticles");
        assertThatThrownBy(() -> ViConfig.builder().relativeTolerance(0).build())
                .hasMessageContaining("(0, 1)");
        assertThatThrownBy(() -> GuideFamily.fromName("dense")).hasMessageContaining("mean-field");
    }

    @Test
    void subsampledLikelihoodGivesTheFullDataPosterior() {
        // 2000 records, minibatches of 200 scaled by n/m: the same posterior as the full data.
        java.util.SplittableRandom random = new java.util.SplittableRandom(2);
        double[][] x = new double[2000][1];
        double[] y = new double[2000];
        for (int i = 0; i < y.length; i++) {
            x[i][0] = random.nextGaussian();
            y[i] = 1.0 + 2.0 * x[i][0] + 0.5 * random.nextGaussian();
        }
        io.github.elbo4j.vi.glm.GeneralizedLinearModel model = io.github.elbo4j.vi.glm.GeneralizedLinearModel.of(
                io.github.elbo4j.vi.glm.GlmFamily.LINEAR, java.util.List.of("x"), x, y, true, java.util.Map.of());
        VariationalPosterior full =
                GaussianVi.fit(model, ViConfig.builder().seed(1).build());
        VariationalPosterior minibatch =
                GaussianVi.fit(model, ViConfig.builder().batchSize(200).seed(1).build());
        for (String name : new String[] {"intercept", "x", "sigma"}) {
            ParameterSummary a = full.summary(name).get(0);
            ParameterSummary b = minibatch.summary(name).get(0);
            assertThat(Math.abs(a.mean() - b.mean())).as(name).isLessThan(0.5 * a.sd());
        }
        assertThat(minibatch.provenance().converged())
                .as(minibatch.reliabilityReasons().toString())
                .isTrue();
    }
}
