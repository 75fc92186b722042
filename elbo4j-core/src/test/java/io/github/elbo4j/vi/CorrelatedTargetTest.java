package io.github.elbo4j.vi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import io.github.elbo4j.math.SpecialFunctions;
import org.junit.jupiter.api.Test;

/**
 * Acceptance criterion 2 (and the unreliable half of 4): a correlated 2-D Gaussian target. Theory:
 * the mean-field optimum of KL(q ‖ p) for a Gaussian p has the exact means and variances 1/Λ_ii,
 * the inverse diagonal of the precision (Bishop, PRML, §10.1.2); full rank is exact.
 */
class CorrelatedTargetTest {

    private static final double[] MEAN = {1.0, -2.0};

    /** N(MEAN, Σ) with Σ = [[1, 2ρ], [2ρ, 4]]. */
    static Model target(double rho) {
        double[][] sigma = {{1.0, 2.0 * rho}, {2.0 * rho, 4.0}};
        double det = sigma[0][0] * sigma[1][1] - sigma[0][1] * sigma[1][0];
        double[] precision = {sigma[1][1] / det, -sigma[0][1] / det, -sigma[1][0] / det, sigma[0][0] / det};
        return Model.builder()
                .real("z", 2)
                .data(new DataArray("precision", precision, new long[] {2, 2}))
                .data(DataArray.vector("mean", MEAN))
                .logJoint(p -> {
                    NDArray d = p.get("z").sub(p.data("mean"));
                    NDArray quadratic = d.matMul(p.data("precision")).mul(d).sum(new int[] {1});
                    return quadratic.mul(SpecialFunctions.scalar(quadratic, -0.5));
                })
                .build();
    }

    private static VariationalPosterior fit(GuideFamily family, double rho) {
        return GaussianVi.fit(
                target(rho), ViConfig.builder().family(family).rank(1).seed(21).build());
    }

    @Test
    void fullRankRecoversTheCovariance() {
        double rho = 0.8;
        double[][] exact = {{1.0, 2.0 * rho}, {2.0 * rho, 4.0}};
        VariationalPosterior fit = fit(GuideFamily.FULL_RANK, rho);
        double[][] covariance = fit.gaussian().covariance();
        for (int i = 0; i < 2; i++) {
            assertThat(fit.gaussian().mean()[i]).isCloseTo(MEAN[i], within(0.03 * Math.sqrt(exact[i][i])));
            for (int j = 0; j < 2; j++) {
                assertThat(covariance[i][j]).isCloseTo(exact[i][j], within(0.03 * Math.abs(exact[i][j])));
            }
        }
        assertThat(fit.khatReading()).isEqualTo(KhatReading.GOOD);
    }

    @Test
    void meanFieldGivesTheInverseDiagonalOfThePrecisionAndLowRankLiesBetween() {
        double rho = 0.8;
        double[] inverseDiagonalOfPrecision = {1.0 - rho * rho, 4.0 * (1.0 - rho * rho)};
        double[] marginal = {1.0, 4.0};
        VariationalPosterior meanField = fit(GuideFamily.MEAN_FIELD, rho);
        VariationalPosterior lowRank = fit(GuideFamily.LOW_RANK, rho);
        double[][] mf = meanField.gaussian().covariance();
        double[][] lr = lowRank.gaussian().covariance();
        for (int i = 0; i < 2; i++) {
            assertThat(meanField.gaussian().mean()[i]).isCloseTo(MEAN[i], within(0.05 * Math.sqrt(marginal[i])));
            assertThat(mf[i][i]).isCloseTo(inverseDiagonalOfPrecision[i], within(0.05 * inverseDiagonalOfPrecision[i]));
            // Rank one plus a diagonal can represent any 2×2 covariance, so low rank reaches the exact
            // marginal variances: between mean field and the truth, at the upper end.
            assertThat(lr[i][i]).isGreaterThan(mf[i][i]).isLessThanOrEqualTo(marginal[i] * 1.05);
        }
        assertThat(meanField.elbo()).isLessThan(lowRank.elbo());
    }

    @Test
    void meanFieldOnAStronglyCorrelatedTargetIsFlaggedUnreliable() {
        VariationalPosterior fit = fit(GuideFamily.MEAN_FIELD, 0.995);
        assertThat(fit.khat()).isGreaterThan(0.7);
        assertThat(fit.khatReading()).isEqualTo(KhatReading.UNRELIABLE);
        assertThat(fit.resampledDraws("z")).isEmpty();
    }
}
