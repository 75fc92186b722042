package io.github.elbo4j.vi.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import io.github.elbo4j.math.SpecialFunctions;
import io.github.elbo4j.vi.DataArray;
import io.github.elbo4j.vi.Model;
import io.github.elbo4j.vi.UnconstrainedDensity;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Eight schools written with DJL tensors (no constants) and with the Java API (every constant):
 * both reach the same transforms, so their log densities differ by one constant and their
 * gradients agree.
 */
class DjlAndJavaModelsTest {

    private static NDArray standardNormal(NDArray x) {
        return x.square().sum(new int[] {1}).mul(SpecialFunctions.scalar(x, -0.5));
    }

    @Test
    void theTwoWaysOfWritingAModelGiveOneDensity() {
        Model tensor = Model.builder()
                .real("mu")
                .positive("tau")
                .real("theta_raw", 8)
                .data(DataArray.vector("y", JavaModelTest.Y.toArray()))
                .data(DataArray.vector("sigma", JavaModelTest.SIGMA.toArray()))
                .logJoint(p -> {
                    NDArray mu = p.get("mu");
                    NDArray tau = p.get("tau");
                    NDArray thetaRaw = p.get("theta_raw");
                    NDArray z = thetaRaw.mul(tau).add(mu).sub(p.data("y")).div(p.data("sigma"));
                    NDArray tauPrior = tau.div(SpecialFunctions.scalar(tau, 5))
                            .square()
                            .add(SpecialFunctions.scalar(tau, 1))
                            .log()
                            .neg()
                            .sum(new int[] {1});
                    return standardNormal(z)
                            .add(standardNormal(thetaRaw))
                            .add(standardNormal(mu.div(SpecialFunctions.scalar(mu, 5))))
                            .add(tauPrior);
                })
                .build();
        JavaModel java = JavaModelTest.eightSchools();
        // The Java model orders its blocks mu, tau, theta_raw, as the tensor model does.
        assertThat(java.blocks()).isEqualTo(tensor.blocks());
        int count = 4;
        int d = java.dimension();
        double[] z = new double[count * d];
        SplittableRandom random = new SplittableRandom(8);
        for (int i = 0; i < z.length; i++) {
            z[i] = random.nextGaussian();
        }
        double[] tensorValues = new double[count];
        double[] tensorGradient = new double[count * d];
        double[] javaValues = new double[count];
        double[] javaGradient = new double[count * d];
        try (UnconstrainedDensity a = tensor.unconstrainedDensity();
                UnconstrainedDensity b = java.unconstrainedDensity()) {
            a.evaluate(z, count, null, tensorValues, tensorGradient);
            b.evaluate(z, count, null, javaValues, javaGradient);
        }
        double constant = javaValues[0] - tensorValues[0];
        for (int s = 0; s < count; s++) {
            assertThat(javaValues[s] - tensorValues[s]).isCloseTo(constant, within(1e-9));
        }
        for (int i = 0; i < count * d; i++) {
            assertThat(javaGradient[i]).as("gradient %d", i).isCloseTo(tensorGradient[i], within(1e-9));
        }
    }
}
