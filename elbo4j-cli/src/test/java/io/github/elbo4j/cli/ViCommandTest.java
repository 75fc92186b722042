package io.github.elbo4j.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
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

/**
 * {@code elbo4j vi} as the README shows it, against the library call on the same data; its verdict
 * on unreliable and failed fits; and posteriordb's kidiq against the reference posterior.
 */
class ViCommandTest {

    @TempDir
    Path dir;

    /**
     * The response is checked as each row is read: line 2's bad response is reported even though a
     * later line is malformed too (reading the whole table first would report line 3).
     */
    @Test
    void aBadResponseOnLine2IsReportedBeforeTheRestIsRead() throws IOException {
        Path data = Files.writeString(dir.resolve("bad.csv"), "y,x\n3,0.5\n1,0.2,7\n0,0.1\n");

        CliRunner.Result r = CliRunner.run("vi", "logistic", "--data", data.toString(), "--y", "y", "--x", "x");

        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err().strip())
                .startsWith("elbo4j: " + data + ": line 2, column 1 (y)")
                .doesNotContain("\n");
    }

    @Test
    void aColumnWhoseSquaresOverflowIsNamed() throws IOException {
        StringBuilder csv = new StringBuilder("y,big\n");
        for (int i = 0; i < 20; i++) {
            csv.append(i % 3).append(',').append(i + 1).append("e200\n");
        }
        Path data = Files.writeString(dir.resolve("big.csv"), csv);

        CliRunner.Result r = CliRunner.run("vi", "linear", "--data", data.toString(), "--y", "y", "--x", "big");

        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err().strip())
                .isEqualTo("elbo4j: " + data + ": column 'big': its values are too large: their"
                        + " sum of squares overflows a double; rescale the column (e.g. to other units)");
    }

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
            csv.append(y[i])
                    .append(',')
                    .append(x[i][0])
                    .append(',')
                    .append(x[i][1])
                    .append('\n');
        }
        Path data = Files.writeString(dir.resolve("data.csv"), csv);
        Path draws = dir.resolve("draws.csv");

        CliRunner.Result r = CliRunner.run(
                "vi",
                "linear",
                "--data",
                data.toString(),
                "--y",
                "y",
                "--x",
                "x1,x2",
                "--seed",
                "4",
                "--draws",
                draws.toString(),
                "--json");

        assertThat(r.exitCode()).as(r.err()).isZero();
        JsonNode json = r.json();
        for (String key :
                List.of("reliable", "reasons", "parameters", "elbo", "log_evidence", "khat", "iterations", "seconds")) {
            assertThat(json.has(key)).as(key).isTrue();
        }
        assertThat(json.path("reliable").asBoolean()).isTrue();
        assertThat(json.path("reasons")).isEmpty();
        // A reliable fit never reads its k̂ as unreliable.
        assertThat(json.path("khat_reading").asText()).isIn("good", "usable", "nearly_uniform");
        assertThat(json.path("vi_method").asText()).isEqualTo("dadvi");
        assertThat(json.path("preconditioning").asText()).isEqualTo("qr");
        VariationalPosterior library = GeneralizedLinearModel.of(
                        GlmFamily.LINEAR, List.of("x1", "x2"), x, y, true, Map.of())
                .fit(ViConfig.builder().seed(4).numDraws(4000).build());
        for (String name : List.of("intercept", "x1", "x2", "sigma")) {
            JsonNode node = json.path("parameters").path(name);
            ParameterSummary expected = library.summary(name).get(0);
            assertThat(node.path("mean").asDouble()).as(name).isEqualTo(expected.mean());
            assertThat(node.path("sd").asDouble()).as(name).isEqualTo(expected.sd());
            assertThat(node.path("q5").asDouble()).isLessThan(node.path("q50").asDouble());
            assertThat(node.path("q95").asDouble())
                    .isGreaterThan(node.path("q50").asDouble());
        }
        assertThat(json.path("elbo").asDouble()).isEqualTo(library.elbo());
        assertThat(json.path("method").asText()).isEqualTo(library.provenance().method());
        assertThat(json.path("log_evidence").asDouble())
                .isGreaterThanOrEqualTo(json.path("elbo").asDouble());
        assertThat(json.path("parameters").path("x1").path("mean").asDouble()).isCloseTo(1.5, within(0.1));
        assertThat(json.path("parameters").path("sigma").path("mean").asDouble())
                .isCloseTo(0.3, within(0.05));

        List<String> lines = Files.readAllLines(draws);
        assertThat(lines.get(0)).isEqualTo("intercept,x1,x2,sigma");
        assertThat(lines).hasSize(4001);
    }

    @Test
    void humanOutputIsASummaryTable() throws IOException {
        Path data = Files.writeString(
                dir.resolve("counts.csv"),
                "count,dose\n0,0.1\n1,0.4\n2,0.9\n1,1.2\n4,1.8\n6,2.5\n3,1.6\n0,0.2\n5,2.2\n7,2.9\n");
        CliRunner.Result r = CliRunner.run(
                "vi",
                "poisson",
                "--data",
                data.toString(),
                "--y",
                "count",
                "--x",
                "dose",
                "--family",
                "full-rank",
                "--prior",
                "beta=normal(0,1)");
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.out())
                .contains("poisson regression on")
                .contains("intercept")
                .contains("dose")
                .contains("normal(0, 1)")
                .contains("log p(data)")
                .contains("Pareto k-hat")
                .contains("full-rank")
                .contains("deterministic (closed-form likelihood, Gauss-Hermite 16 nodes for the priors, L-BFGS): ")
                .doesNotContain("step size");
    }

    /**
     * A fit driven to diverge (stochastic steps of size 10⁶ on one record at a time) is reported as
     * failed: exit code 1, {@code reliable: false} with the reason in JSON, and no draws file.
     */
    @Test
    void aDivergingFitFails() throws IOException {
        Path data = Files.writeString(dir.resolve("data.csv"), kidiqLike(200, 5));
        Path draws = dir.resolve("draws.csv");
        CliRunner.Result r = CliRunner.run(
                "vi",
                "linear",
                "--data",
                data.toString(),
                "--y",
                "score",
                "--x",
                "iq",
                "--method",
                "advi",
                "--lr",
                "1e6",
                "--batch-size",
                "1",
                "--draws",
                draws.toString(),
                "--json");
        assertThat(r.exitCode()).as(r.out() + r.err()).isEqualTo(Main.RUNTIME_FAILURE);
        JsonNode json = r.json();
        assertThat(json.path("reliable").asBoolean(true)).isFalse();
        assertThat(json.path("converged").asBoolean(true)).isFalse();
        assertThat(json.path("reasons").get(0).asText()).contains("not finite");
        assertThat(r.err()).contains("FIT FAILED");
        assertThat(draws).doesNotExist();
    }

    /** A fit stopped by the iteration cap has not converged: failed too, with the reason first. */
    @Test
    void aFitStoppedByTheIterationCapFails() throws IOException {
        Path data = Files.writeString(dir.resolve("data.csv"), kidiqLike(200, 6));
        CliRunner.Result r = CliRunner.run(
                "vi",
                "linear",
                "--data",
                data.toString(),
                "--y",
                "score",
                "--x",
                "iq",
                "--method",
                "advi",
                "--max-iterations",
                "3");
        assertThat(r.exitCode()).as(r.out() + r.err()).isEqualTo(Main.RUNTIME_FAILURE);
        assertThat(r.out())
                .startsWith("FIT FAILED")
                .contains("did not converge")
                .contains("Reliable: NO");
    }

    /**
     * Without preconditioning, a mean-field q over the raw intercept and slope of a predictor
     * centred at 100 cannot represent their correlation (−0.99): the fit converges but is not
     * reliable, and says so before anything else, in words, with advice; the exit code stays 0.
     */
    @Test
    void anUnreliableFitPrintsItsWarningFirst() throws IOException {
        Path data = Files.writeString(dir.resolve("data.csv"), kidiqLike(300, 7));
        CliRunner.Result r = CliRunner.run(
                "vi",
                "linear",
                "--data",
                data.toString(),
                "--y",
                "score",
                "--x",
                "iq",
                "--preconditioning",
                "none",
                "--family",
                "mean-field");
        assertThat(r.exitCode()).as(r.out() + r.err()).isZero();
        assertThat(r.out())
                .startsWith("WARNING: this fit is not reliable")
                .contains("Things to try")
                .contains("Reliable: NO");

        CliRunner.Result json = CliRunner.run(
                "vi",
                "linear",
                "--data",
                data.toString(),
                "--y",
                "score",
                "--x",
                "iq",
                "--preconditioning",
                "none",
                "--family",
                "mean-field",
                "--json");
        assertThat(json.json().path("reliable").asBoolean(true)).isFalse();
        assertThat(json.json().path("reasons").size()).isPositive();
        assertThat(json.err()).contains("WARNING: this fit is not reliable");

        CliRunner.Result preconditioned =
                CliRunner.run("vi", "linear", "--data", data.toString(), "--y", "score", "--x", "iq", "--json");
        assertThat(preconditioned.json().path("reliable").asBoolean())
                .as(preconditioned.out())
                .isTrue();
    }

    /**
     * posteriordb's kidiq-kidscore_momiq through the command a user would type, with the default
     * priors and with posteriordb's own (flat on the coefficients, half-Cauchy(0, 2.5) on σ): every
     * printed mean within 0.1 reference sd and every sd within 10% of the reference (long NUTS runs).
     * Skipped when {@code shared/data} is absent.
     */
    @Test
    void kidiqMatchesThePosteriordbReference() throws IOException {
        Path shared = sharedData();
        org.junit.jupiter.api.Assumptions.assumeTrue(shared != null, "shared/data/posteriordb not present");
        String csv = shared.resolve("posteriordb/kidiq.csv").toString();
        Map<String, double[]> reference = new java.util.HashMap<>();
        Map<String, String> names = Map.of("beta[1]", "intercept", "beta[2]", "mom_iq", "sigma", "sigma");
        for (String line : Files.readAllLines(
                        shared.resolve("posteriordb-set/kidiq-kidscore_momiq/reference-moments.csv"))
                .subList(1, 4)) {
            String[] parts = line.split(",");
            reference.put(
                    names.get(parts[0]), new double[] {Double.parseDouble(parts[1]), Double.parseDouble(parts[2])});
        }
        List<List<String>> priorSets = List.of(
                List.of(),
                List.of(
                        "--prior",
                        "beta=normal(0,1000)",
                        "--prior",
                        "intercept=normal(0,1000)",
                        "--prior",
                        "sigma=cauchy(0,2.5)"));
        for (List<String> priors : priorSets) {
            List<String> args = new java.util.ArrayList<>(
                    List.of("vi", "linear", "--data", csv, "--y", "kid_score", "--x", "mom_iq", "--json"));
            args.addAll(priors);
            CliRunner.Result r = CliRunner.run(args.toArray(String[]::new));
            assertThat(r.exitCode()).as(r.err()).isZero();
            JsonNode json = r.json();
            assertThat(json.path("reliable").asBoolean())
                    .as(json.path("reasons").toString())
                    .isTrue();
            reference.forEach((name, moments) -> {
                JsonNode node = json.path("parameters").path(name);
                assertThat(node.path("mean").asDouble())
                        .as(name + " mean " + priors)
                        .isCloseTo(moments[0], within(0.1 * moments[1]));
                assertThat(node.path("sd").asDouble() / moments[1])
                        .as(name + " sd ratio " + priors)
                        .isCloseTo(1.0, within(0.1));
            });
        }
    }

    /** A kidiq-like table: scores on an IQ centred at 100 with sd 15, as in posteriordb's kidiq. */
    private static String kidiqLike(int n, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        StringBuilder csv = new StringBuilder("score,iq\n");
        for (int i = 0; i < n; i++) {
            double iq = Math.round((100 + 15 * random.nextGaussian()) * 100) / 100.0;
            double score = Math.round((26 + 0.6 * iq + 18 * random.nextGaussian()) * 100) / 100.0;
            csv.append(score).append(',').append(iq).append('\n');
        }
        return csv.toString();
    }

    /** {@code shared/data} beside the repository (walking up from the working directory), or null. */
    private static Path sharedData() {
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            if (Files.isDirectory(p.resolve("shared/data/posteriordb"))) {
                return p.resolve("shared/data");
            }
        }
        return null;
    }
}
