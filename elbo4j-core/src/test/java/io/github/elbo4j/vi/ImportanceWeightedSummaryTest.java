package io.github.elbo4j.vi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * The summaries of a fit are the posterior's moments, not q's, when k̂ lets the importance weights
 * correct q: a mean-field q of a correlated Gaussian is too narrow (sd √(1 − ρ²) of the true one),
 * and its weighted summaries recover the true sd; the draws' noise is centred, so q's draws average
 * to q's mean exactly.
 */
class ImportanceWeightedSummaryTest {

    @Test
    void weightsCorrectATooNarrowQAndTheDrawsAverageToQsMean() {
        double rho = 0.5;
        double det = 1 - rho * rho;
        JavaModel model =
                JavaModel.gaussian(new double[] {1, -2}, new double[][] {{1 / det, -rho / det}, {-rho / det, 1 / det}});

        VariationalPosterior fit = GaussianVi.fit(
                model, ViConfig.builder().family(GuideFamily.MEAN_FIELD).seed(4).build());

        assertThat(fit.khat()).isLessThanOrEqualTo(0.7);
        double[] weights = fit.importanceWeights().orElseThrow();
        assertThat(Arrays.stream(weights).sum()).isCloseTo(1.0, within(1e-12));
        double[] x = Arrays.stream(fit.draws("x0")).mapToDouble(d -> d[0]).toArray();
        ParameterSummary qOwn = ParameterSummary.of(x);
        assertThat(qOwn.mean()).isCloseTo(fit.gaussian().mean()[0], within(1e-12));
        assertThat(qOwn.sd()).as("q's sd, mean-field").isLessThan(0.9);
        ParameterSummary summary = fit.summary("x0").get(0);
        assertThat(summary).isEqualTo(ParameterSummary.of(x, weights));
        assertThat(summary.sd()).isCloseTo(1.0, within(0.05));
        assertThat(summary.mean()).isCloseTo(1.0, within(0.05));
    }
}
