package io.github.elbo4j.vi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import io.github.elbo4j.math.SpecialFunctions;
import org.junit.jupiter.api.Test;

/** The README's hierarchical example, run as written there. */
class EightSchoolsTest {

    /** log N(x; 0, 1) without the constant, summed over the last axis. */
    static NDArray standardNormal(NDArray x) {
        return x.square().sum(new int[] {1}).mul(SpecialFunctions.scalar(x, -0.5));
    }

    @Test
    void nonCenteredEightSchools() {
        // README example begins
        Model eightSchools = Model.builder()
                .real("mu")
                .positive("tau")
                .real("theta_raw", 8)
                .data(DataArray.vector("y", 28, 8, -3, 7, -1, 1, 18, 12))
                .data(DataArray.vector("sigma", 15, 10, 16, 11, 9, 11, 10, 18))
                .logJoint(p -> {
                    NDArray mu = p.get("mu"); // [S, 1]
                    NDArray tau = p.get("tau"); // [S, 1]
                    NDArray thetaRaw = p.get("theta_raw"); // [S, 8]
                    NDArray theta = thetaRaw.mul(tau).add(mu); // non-centered: θ = μ + τ θ_raw
                    NDArray z = theta.sub(p.data("y")).div(p.data("sigma"));
                    NDArray muPrior = standardNormal(mu.div(SpecialFunctions.scalar(mu, 5))); // μ ~ N(0, 5)
                    NDArray tauPrior = tau.div(SpecialFunctions.scalar(tau, 5))
                            .square()
                            .add(SpecialFunctions.scalar(tau, 1))
                            .log()
                            .neg()
                            .sum(new int[] {1}); // τ ~ half-Cauchy(0, 5)
                    return standardNormal(z)
                            .add(standardNormal(thetaRaw))
                            .add(muPrior)
                            .add(tauPrior);
                })
                .build();
        VariationalPosterior fit = GaussianVi.fit(
                eightSchools,
                ViConfig.builder().family(GuideFamily.FULL_RANK).seed(1).build());
        // README example ends
        // Long-run NUTS (Stan, non-centered): μ ≈ 4.4 (sd 3.3), τ ≈ 3.6 (sd 3.2).
        assertThat(fit.summary("mu").get(0).mean()).isCloseTo(4.4, within(0.8));
        assertThat(fit.summary("tau").get(0).q50()).isBetween(1.0, 4.5);
        assertThat(fit.summary("theta_raw")).hasSize(8);
    }
}
