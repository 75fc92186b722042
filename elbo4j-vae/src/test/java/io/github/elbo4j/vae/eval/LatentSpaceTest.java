package io.github.elbo4j.vae.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDManager;
import io.github.elbo4j.data.Dataset;
import io.github.elbo4j.vae.model.VaeModel;
import io.github.elbo4j.vae.train.ProgressListener;
import io.github.elbo4j.vae.train.SmallData;
import org.junit.jupiter.api.Test;

class LatentSpaceTest {

    private static double norm(float[] path, int step, int latent) {
        double s = 0;
        for (int j = 0; j < latent; j++) {
            s += (double) path[step * latent + j] * path[step * latent + j];
        }
        return Math.sqrt(s);
    }

    @Test
    void sphericalInterpolationKeepsTheNormWhereLinearInterpolationShrinksIt() {
        float[] codes = {1, 0, 0, 0, 1, 0}; // two orthogonal unit vectors in 3 dimensions
        float[] slerp = LatentSpace.path(codes, 3, 5, true);
        float[] lerp = LatentSpace.path(codes, 3, 5, false);
        for (int s = 0; s < 5; s++) {
            assertThat(norm(slerp, s, 3)).isCloseTo(1.0, within(1e-6));
        }
        assertThat(norm(lerp, 2, 3)).isCloseTo(Math.sqrt(0.5), within(1e-6));
        // Midpoint of the slerp: (a + b)/√2.
        assertThat(slerp[2 * 3]).isCloseTo((float) Math.sqrt(0.5), within(1e-6f));
        assertThat(slerp[2 * 3 + 1]).isCloseTo((float) Math.sqrt(0.5), within(1e-6f));
        for (float[] path : new float[][] {slerp, lerp}) {
            assertThat(new float[] {path[0], path[1], path[2]}).containsExactly(1, 0, 0);
            assertThat(path[12]).isCloseTo(0, within(1e-6f));
            assertThat(path[13]).isCloseTo(1, within(1e-6f));
        }
    }

    @Test
    void parallelCodesFallBackToLinearInterpolation() {
        float[] codes = {1, 2, 2, 4};
        assertThat(LatentSpace.path(codes, 2, 3, true)).containsExactly(1, 2, 1.5f, 3, 2, 4);
    }

    @Test
    void encodingsAndReconstructionsHaveOneRowPerRecord() {
        Dataset data = SmallData.shapes(30, 5);
        try (NDManager m = NDManager.newBaseManager();
                VaeModel model = VaeModel.initialize(SmallData.smallModel(), m, 1)) {
            LatentSpace latents = new LatentSpace(model, m);
            LatentSpace.Encodings e = latents.encode(data, ProgressListener.NONE);
            assertThat(e.mean()).hasSize(30 * 4);
            assertThat(e.logVariance()).hasSize(30 * 4);
            float[] reconstructions = latents.reconstruct(data, ProgressListener.NONE);
            assertThat(reconstructions).hasSize(30 * 784);
            for (float v : reconstructions) {
                assertThat(v).isBetween(0f, 1f);
            }
            LatentSpace.Interpolation path = latents.interpolate(data.row(0), data.row(1), 4, true);
            assertThat(path.latents()).hasSize(4 * 4);
            for (int j = 0; j < 4; j++) {
                assertThat(path.latents()[j]).isCloseTo(e.mean()[j], within(1e-5f));
                assertThat(path.latents()[3 * 4 + j]).isCloseTo(e.mean()[4 + j], within(1e-5f));
            }
            assertThatThrownBy(() -> latents.interpolate(data.row(0), data.row(1), 1, false))
                    .hasMessageContaining("steps must be at least 2");
        }
    }
}
