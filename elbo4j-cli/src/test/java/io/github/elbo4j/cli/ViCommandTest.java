package io.github.elbo4j.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;

import io.github.elbo4j.vi.GaussianVi;
import io.github.elbo4j.vi.ParameterSummary;
import io.github.elbo4j.vi.VariationalPosterior;
import io.github.elbo4j.vi.ViConfig;
import io.github.elbo4j.vi.glm.GeneralizedLinearModel;
import io.github.elbo4j.vi.glm.GlmFamily;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code elbo4j vi} as the README shows it, against the library call on the same data. */
class ViCommandTest {

    @TempDir
    Path dir;

    @Test
    void linearRegressionMatchesTheLibraryCall() throws IOException {
        SplittableRandom random = new SplittableRandom(3);
        int n = 150;
        double[][] x = new double[n][2];
        double[] y = new double[n];
        StringBuilder csv = new StringBuilder("y,x1,x2\n");
        for (int i = 0; i < n; i++) {
            x[i][0] = Math.round(random.nextGaussian() * 1e4) / 1e4;
            x[i][1] = Math.round(random.nextGaussian() * 1e4) / 1e4;
            y[i] = Math.round((0.5 + 1.5 * x[i][0] - 2.0 * x[i][1] + 0.3 * random.nextGaussian()) * 1e4) / 1e4;
            csv.append(y[i]).append(',').append(x[i][0]).append(',').append(x[i][1]).append('\n');
        }
        Path data = Files.writeString(dir.resolve("data.csv"), csv);
        Path draws = dir.resolve("draws.csv");

        CliRunner.Result r = CliRunner.run("vi", "linear", "--data", data.toString(), "--y", "y", "--x", "x1,x2",
                "--seed", "4", "--draws", draws.toString(), "--json");

        assertThat(r.exitCode()).as(r.err()).isZero();
        JsonNode json = r.json();
        for (String key : List.of("parameters", "elbo", "log_evidence", "khat", "iterations", "seconds")) {
            assertThat(json.has(key)).as(key).isTrue();
        }
        VariationalPosterior library = GaussianVi.fit(
                GeneralizedLinearModel.of(GlmFamily.LINEAR, List.of("x1", "x2"), x, y, true, Map.of()),
                ViConfig.builder().seed(4).build());
        for (String name : List.of("intercept", "x1", "x2", "sigma")) {
            JsonNode node = json.path("parameters").path(name);
            ParameterSummary expected = library.summary(name).get(0);
            assertThat(node.path("mean").asDouble()).as(name).isEqualTo(expected.mean());
            assertThat(node.path("sd").asDouble()).as(name).isEqualTo(expected.sd());
            assertThat(node.path("q5").asDouble()).isLessThan(node.path("q50").asDouble());
            assertThat(node.path("q95").asDouble()).isGreaterThan(node.path("q50").asDouble());
        }
        assertThat(json.path("elbo").asDouble()).isEqualTo(library.elbo());
        assertThat(json.path("method").asText()).isEqualTo("stochastic (Adam, 20 particles)");
        assertThat(json.path("log_evidence").asDouble()).isGreaterThanOrEqualTo(json.path("elbo").asDouble());
        assertThat(json.path("parameters").path("x1").path("mean").asDouble()).isCloseTo(1.5, within(0.1));
        assertThat(json.path("parameters").path("sigma").path("mean").asDouble()).isCloseTo(0.3, within(0.05));

        List<String> lines = Files.readAllLines(draws);
        assertThat(lines.get(0)).isEqualTo("intercept,x1,x2,sigma");
        assertThat(lines).hasSize(1001);
    }

    @Test
    void humanOutputIsASummaryTable() throws IOException {
        Path data = Files.writeString(dir.resolve("counts.csv"),
                "count,dose\n0,0.1\n1,0.4\n2,0.9\n1,1.2\n4,1.8\n6,2.5\n3,1.6\n0,0.2\n5,2.2\n7,2.9\n");
        CliRunner.Result r = CliRunner.run("vi", "poisson", "--data", data.toString(), "--y", "count", "--x", "dose",
                "--family", "full-rank", "--prior", "beta=normal(0,1)");
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.out()).contains("poisson regression on").contains("intercept").contains("dose")
                .contains("normal(0, 1)").contains("log p(data)").contains("Pareto k-hat").contains("full-rank")
                .contains("deterministic (closed-form likelihood, Gauss-Hermite 16 nodes for the priors, L-BFGS): ")
                .doesNotContain("step size");
    }
}
