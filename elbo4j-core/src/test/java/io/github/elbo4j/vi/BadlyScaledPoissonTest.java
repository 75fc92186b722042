package io.github.elbo4j.vi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.github.elbo4j.vi.glm.GeneralizedLinearModel;
import io.github.elbo4j.vi.glm.GlmFamily;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The exact-ELBO path from the Laplace approximation, in the coordinates it whitens: a Poisson
 * regression of educ on arsenic (0.4–10) and dist (0.4–340) from the wells data, which used to stop
 * after one L-BFGS iteration with every coefficient ≈ 0 (issue 19; the mode-based fit gives an
 * intercept of 1.63).
 */
class BadlyScaledPoissonTest {

    @Test
    void poissonWithBadlyScaledPredictorsFindsTheOptimum() throws IOException {
        Path file = null;
        for (Path dir = Path.of("").toAbsolutePath(); dir != null && file == null; dir = dir.getParent()) {
            Path candidate = dir.resolve("shared/data/posteriordb/wells.csv");
            file = Files.exists(candidate) ? candidate : null;
        }
        Assumptions.assumeTrue(file != null, "shared/data/posteriordb/wells.csv not found beside the repository");
        List<String> lines = Files.readAllLines(file);
        int n = lines.size() - 1;
        double[][] x = new double[n][2];
        double[] y = new double[n];
        for (int i = 0; i < n; i++) {
            String[] fields = lines.get(i + 1).split(",");
            y[i] = Double.parseDouble(fields[0]);
            x[i][0] = Double.parseDouble(fields[4]);
            x[i][1] = Double.parseDouble(fields[2]);
        }
        GeneralizedLinearModel model =
                GeneralizedLinearModel.of(GlmFamily.POISSON, List.of("arsenic", "dist"), x, y, true, Map.of());
        VariationalPosterior fit = GaussianVi.fit(
                model, ViConfig.builder().family(GuideFamily.FULL_RANK).seed(1).build());
        assertThat(fit.provenance().method()).startsWith("deterministic");
        assertThat(fit.provenance().converged()).isTrue();
        assertThat(fit.summary("intercept").get(0).mean()).isCloseTo(1.63, within(0.01));
        assertThat(fit.summary("dist").get(0).mean()).isCloseTo(-4.9e-4, within(1e-4));
        assertThat(fit.reliable()).as(fit.reliabilityReasons().toString()).isTrue();
    }
}
