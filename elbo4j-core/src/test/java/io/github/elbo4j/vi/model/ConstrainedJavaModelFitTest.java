package io.github.elbo4j.vi.model;

import static io.github.elbo4j.vi.density.Densities.exponential;
import static io.github.elbo4j.vi.density.Densities.normal;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.github.elbo4j.vi.GaussianVi;
import io.github.elbo4j.vi.VariationalPosterior;
import io.github.elbo4j.vi.ViConfig;
import io.github.elbo4j.vi.autodiff.Value;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A fit of a Java model with every structured support and a bound that depends on another
 * parameter: each draw lies in its support (the dependent bound draw by draw, which only a map of
 * whole points gives) and in the generated quantities, and the fit saves and loads with its blocks.
 */
class ConstrainedJavaModelFitTest {

    @Test
    void drawsLieInTheirSupportsAndTheFitSavesAndLoads(@TempDir Path folder) {
        JavaModel model = JavaModel.of(m -> {
            Value mu = m.real("mu");
            Value y = m.lowerBounded("y", mu); // real<lower=mu> y
            m.simplex("w", 3); // uniform on the simplex
            Value cut = m.ordered("cut", 2);
            Value rates = m.positiveOrdered("rates", 2);
            m.choleskyFactorCorr("L", 2); // LKJ(1): uniform
            m.add(normal(mu, 0, 1));
            m.add(exponential(y.minus(mu), 1.0));
            m.add(normal(cut, 0, 1));
            m.add(exponential(rates, 1.0));
            m.generated("gap", rng -> new double[] {y.doubleValue() - mu.doubleValue()});
        });
        VariationalPosterior fit =
                GaussianVi.fit(model, ViConfig.builder().seed(4).build());
        double[][] mu = fit.draws("mu");
        double[][] y = fit.draws("y");
        double[][] w = fit.draws("w");
        double[][] cut = fit.draws("cut");
        double[][] rates = fit.draws("rates");
        double[][] l = fit.draws("L");
        for (int s = 0; s < mu.length; s++) {
            assertThat(y[s][0]).isGreaterThan(mu[s][0]);
            assertThat(w[s][0] + w[s][1] + w[s][2]).isCloseTo(1.0, within(1e-12));
            assertThat(cut[s][1]).isGreaterThan(cut[s][0]);
            assertThat(rates[s][0]).isPositive();
            assertThat(rates[s][1]).isGreaterThan(rates[s][0]);
            assertThat(l[s]).hasSize(4);
            assertThat(l[s][1]).isZero();
            assertThat(l[s][2] * l[s][2] + l[s][3] * l[s][3]).isCloseTo(1.0, within(1e-12));
        }
        assertThat(fit.summary("mu").get(0).mean()).isCloseTo(0.0, within(0.2));
        double[][] gap = model.generatedQuantities(fit, 1).get("gap");
        for (int s = 0; s < mu.length; s++) {
            assertThat(gap[s][0]).isPositive().isEqualTo(y[s][0] - mu[s][0]);
        }
        fit.save(folder);
        VariationalPosterior loaded = VariationalPosterior.load(folder);
        assertThat(loaded.blocks()).isEqualTo(fit.blocks());
        assertThat(loaded.draws("y")).isDeepEqualTo(y);
    }
}
