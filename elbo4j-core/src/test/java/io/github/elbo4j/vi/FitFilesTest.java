package io.github.elbo4j.vi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FitFilesTest {

    @Test
    void aSavedFitLoadsBackUnchanged(@TempDir Path folder) {
        Model model = new JavaModel(
                List.of(
                        ParameterBlock.scalar("mu", Constraint.real()),
                        new ParameterBlock("scale", new int[] {2}, Constraint.positive())),
                (z, gradient) -> {
                    // mu ~ N(1, 1); log scale_k ~ N(0, 0.5²), written on the unconstrained scale.
                    if (gradient != null) {
                        gradient[0] = 1 - z[0];
                        gradient[1] = -4 * z[1];
                        gradient[2] = -4 * z[2];
                    }
                    return -0.5 * (z[0] - 1) * (z[0] - 1) - 2 * (z[1] * z[1] + z[2] * z[2]);
                });
        VariationalPosterior fit = GaussianVi.fit(
                model,
                ViConfig.builder()
                        .family(GuideFamily.MEAN_FIELD)
                        .linearResponse(true)
                        .numDraws(200)
                        .seed(2)
                        .build());
        fit.save(folder);
        VariationalPosterior loaded = VariationalPosterior.load(folder);

        assertThat(loaded.config()).isEqualTo(fit.config());
        assertThat(loaded.blocks()).isEqualTo(fit.blocks());
        assertThat(loaded.gaussian().mean()).containsExactly(fit.gaussian().mean());
        assertThat(loaded.gaussian().scaleTril()).isDeepEqualTo(fit.gaussian().scaleTril());
        assertThat(loaded.draws("scale")).isDeepEqualTo(fit.draws("scale"));
        assertThat(loaded.importanceWeights().orElseThrow())
                .containsExactly(fit.importanceWeights().orElseThrow());
        assertThat(loaded.resampledDraws("mu").orElseThrow())
                .isDeepEqualTo(fit.resampledDraws("mu").orElseThrow());
        assertThat(loaded.linearResponseDraws("mu").orElseThrow())
                .isDeepEqualTo(fit.linearResponseDraws("mu").orElseThrow());
        assertThat(loaded.linearResponse().orElseThrow().covariance())
                .isDeepEqualTo(fit.linearResponse().orElseThrow().covariance());
        assertThat(loaded.elbo()).isEqualTo(fit.elbo());
        assertThat(loaded.khat()).isEqualTo(fit.khat());
        assertThat(loaded.logEvidence()).isEqualTo(fit.logEvidence());
        assertThat(loaded.trace()).isEqualTo(fit.trace());
        assertThat(loaded.provenance()).isEqualTo(fit.provenance());
        assertThat(loaded.reliability()).isEqualTo(fit.reliability());
        assertThat(loaded.laplaceComparison().orElseThrow().sdRatios())
                .containsExactly(fit.laplaceComparison().orElseThrow().sdRatios());
        assertThat(loaded.summaryTable()).isEqualTo(fit.summaryTable());
    }

    @Test
    void savingNeverOverwritesAndLoadingNamesTheBadField(@TempDir Path folder) throws IOException {
        VariationalPosterior fit = GaussianVi.fit(
                JavaModel.gaussian(new double[] {0, 0}, new double[][] {{1, 0}, {0, 1}}),
                ViConfig.builder().numDraws(50).build());
        fit.save(folder);
        String saved = Files.readString(folder.resolve("fit.json"));
        assertThatThrownBy(() -> fit.save(folder))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("fit.json already exists");
        assertThat(Files.readString(folder.resolve("fit.json"))).isEqualTo(saved);

        Files.writeString(folder.resolve("fit.json"), saved.replace("\"khat\"", "\"k\""));
        assertThatThrownBy(() -> VariationalPosterior.load(folder))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("fit.json: field 'khat' is missing");
        Files.writeString(folder.resolve("fit.json"), saved.replace("\"engine\"", "\"e\""));
        assertThatThrownBy(() -> VariationalPosterior.load(folder))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("fit.json: field 'provenance.engine' is missing");
        Files.writeString(folder.resolve("fit.json"), saved.replaceFirst("\"numDraws\" : [0-9]+", "\"numDraws\" : -1"));
        assertThatThrownBy(() -> VariationalPosterior.load(folder))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("fit.json: field 'config': numDraws");
    }
}
