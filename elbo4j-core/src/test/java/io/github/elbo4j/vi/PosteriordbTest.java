package io.github.elbo4j.vi;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * posteriordb posteriors written by hand as f(z) and ∇f(z) (until the modelling language can write
 * them), fitted by each method and compared with the reference moments (long NUTS runs): the
 * worst mean error in reference sds and the worst sd ratio. Acceptance: every mean within 0.1 sd
 * and every sd within 10%. Skipped when {@code shared/data/posteriordb-set} is absent.
 */
class PosteriordbTest {

    /** Output draws per fit: enough that their Monte Carlo error (about 0.02 sd) is small beside the 0.1 sd bar. */
    private static final int DRAWS = 4000;

    /** One fit's accuracy against the reference. */
    record Accuracy(double worstMeanError, double worstSdRatio) {
        boolean passes() {
            return worstMeanError <= 0.1 && Math.abs(worstSdRatio - 1) <= 0.1;
        }
    }

    @Test
    void kidiqMomiq() throws IOException {
        Path folder = posterior("kidiq-kidscore_momiq");
        JsonNode data = json(folder);
        double[] y = vector(data, "kid_score");
        double[] x = vector(data, "mom_iq");
        int n = y.length;
        Model model = new JavaModel(
                List.of(
                        ParameterBlock.scalar("beta1", Constraint.real()),
                        ParameterBlock.scalar("beta2", Constraint.real()),
                        ParameterBlock.scalar("sigma", Constraint.positive())),
                (z, gradient) -> {
                    double inverseVariance = Math.exp(-2 * z[2]);
                    double squares = 0;
                    double g0 = 0;
                    double g1 = 0;
                    for (int i = 0; i < n; i++) {
                        double r = y[i] - z[0] - z[1] * x[i];
                        squares += r * r;
                        g0 += r;
                        g1 += r * x[i];
                    }
                    double cauchy = Math.exp(2 * z[2]) / 6.25;
                    if (gradient != null) {
                        gradient[0] = g0 * inverseVariance;
                        gradient[1] = g1 * inverseVariance;
                        gradient[2] = -n + squares * inverseVariance - 2 * cauchy / (1 + cauchy) + 1;
                    }
                    return -n * z[2] - 0.5 * squares * inverseVariance - Math.log1p(cauchy) + z[2];
                });
        Map<String, Function<Function<String, double[][]>, double[][]>> columns = new LinkedHashMap<>();
        columns.put("beta[1]", fit -> fit.apply("beta1"));
        columns.put("beta[2]", fit -> fit.apply("beta2"));
        columns.put("sigma", fit -> fit.apply("sigma"));
        Map<String, Accuracy> results = fitAll("kidiq-kidscore_momiq", model, folder, columns);
        assertThat(results.get("default (auto)").passes())
                .as(results.toString())
                .isTrue();
        assertThat(results.get("dadvi full-rank").passes())
                .as(results.toString())
                .isTrue();
        assertThat(verdicts.get("dadvi full-rank")).isTrue();
        assertThat(results.get("dadvi mean-field + LR").passes())
                .as(results.toString())
                .isTrue();
        assertThat(results.get("pathfinder").passes()).as(results.toString()).isTrue();
    }

    /** Bayesian linear regression with five predictors and posterior sds near 1e-3 (sblri-blr). */
    @Test
    void sblriBlr() throws IOException {
        Path folder = posterior("sblri-blr");
        JsonNode data = json(folder);
        double[] y = vector(data, "y");
        JsonNode rows = data.get("X");
        int n = y.length;
        int d = rows.get(0).size();
        double[][] x = new double[n][d];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < d; j++) {
                x[i][j] = rows.get(i).get(j).doubleValue();
            }
        }
        List<ParameterBlock> blocks = new ArrayList<>();
        blocks.add(new ParameterBlock("beta", new int[] {d}, Constraint.real()));
        blocks.add(ParameterBlock.scalar("sigma", Constraint.positive()));
        Model model = new JavaModel(blocks, (z, gradient) -> {
            double sigma = Math.exp(z[d]);
            double inverseVariance = 1 / (sigma * sigma);
            double squares = 0;
            double value = 0;
            if (gradient != null) {
                java.util.Arrays.fill(gradient, 0.0);
            }
            for (int i = 0; i < n; i++) {
                double r = y[i];
                for (int j = 0; j < d; j++) {
                    r -= x[i][j] * z[j];
                }
                squares += r * r;
                if (gradient != null) {
                    for (int j = 0; j < d; j++) {
                        gradient[j] += r * x[i][j] * inverseVariance;
                    }
                }
            }
            for (int j = 0; j < d; j++) {
                value -= z[j] * z[j] / 200;
                if (gradient != null) {
                    gradient[j] -= z[j] / 100;
                }
            }
            if (gradient != null) {
                gradient[d] = -sigma * sigma / 100 + 1 - n + squares * inverseVariance;
            }
            return value - sigma * sigma / 200 + z[d] - n * z[d] - 0.5 * squares * inverseVariance;
        });
        Map<String, Function<Function<String, double[][]>, double[][]>> columns = new LinkedHashMap<>();
        for (int j = 0; j < d; j++) {
            int column = j;
            columns.put("beta[" + (j + 1) + "]", fit -> column(fit.apply("beta"), column));
        }
        columns.put("sigma", fit -> fit.apply("sigma"));
        Map<String, Accuracy> results = fitAll("sblri-blr", model, folder, columns);
        assertThat(results.get("default (auto)").passes())
                .as(results.toString())
                .isTrue();
        assertThat(results.get("dadvi full-rank").passes())
                .as(results.toString())
                .isTrue();
        assertThat(verdicts.get("dadvi full-rank")).isTrue();
        assertThat(results.get("dadvi mean-field + LR").passes())
                .as(results.toString())
                .isTrue();
        assertThat(results.get("pathfinder").passes()).as(results.toString()).isTrue();
    }

    /** Eight schools, non-centered: a hierarchical posterior whose τ is far from Gaussian. */
    @Test
    void eightSchoolsNoncentered() throws IOException {
        Path folder = posterior("eight_schools-eight_schools_noncentered");
        JsonNode data = json(folder);
        double[] y = vector(data, "y");
        double[] sigma = vector(data, "sigma");
        int j = y.length;
        Model model = new JavaModel(
                List.of(
                        new ParameterBlock("theta_trans", new int[] {j}, Constraint.real()),
                        ParameterBlock.scalar("mu", Constraint.real()),
                        ParameterBlock.scalar("tau", Constraint.positive())),
                (z, gradient) -> {
                    double mu = z[j];
                    double tau = Math.exp(z[j + 1]);
                    double value = -mu * mu / 50;
                    double muGradient = -mu / 25;
                    double logTauGradient = 0;
                    for (int k = 0; k < j; k++) {
                        double theta = mu + tau * z[k];
                        double scaled = (y[k] - theta) / (sigma[k] * sigma[k]);
                        value += -0.5 * z[k] * z[k] - 0.5 * (y[k] - theta) * scaled;
                        muGradient += scaled;
                        logTauGradient += scaled * tau * z[k];
                        if (gradient != null) {
                            gradient[k] = -z[k] + scaled * tau;
                        }
                    }
                    double cauchy = tau * tau / 25;
                    if (gradient != null) {
                        gradient[j] = muGradient;
                        gradient[j + 1] = logTauGradient - 2 * cauchy / (1 + cauchy) + 1;
                    }
                    return value - Math.log1p(cauchy) + z[j + 1];
                });
        Map<String, Function<Function<String, double[][]>, double[][]>> columns = new LinkedHashMap<>();
        for (int k = 0; k < j; k++) {
            int school = k;
            columns.put("theta[" + (k + 1) + "]", fit -> {
                double[][] raw = fit.apply("theta_trans");
                double[][] mu = fit.apply("mu");
                double[][] tau = fit.apply("tau");
                double[][] theta = new double[raw.length][1];
                for (int s = 0; s < raw.length; s++) {
                    theta[s][0] = mu[s][0] + tau[s][0] * raw[s][school];
                }
                return theta;
            });
        }
        columns.put("mu", fit -> fit.apply("mu"));
        columns.put("tau", fit -> fit.apply("tau"));
        Map<String, Accuracy> results = fitAll("eight_schools-eight_schools_noncentered", model, folder, columns);
        // τ's posterior is skewed on the log scale: no Gaussian matches every sd to 10%, and the verdict
        // says so (fitAll checks that no fit more than 0.5 sd off is called reliable).
        assertThat(results.get("dadvi full-rank").passes()).isFalse();
        assertThat(verdicts.get("dadvi full-rank")).isFalse();
    }

    /** The verdict of each fit of the last {@link #fitAll} call. */
    private final Map<String, Boolean> verdicts = new LinkedHashMap<>();

    /** Fits every method, prints the comparison, and checks the verdict never hides a bad fit. */
    private Map<String, Accuracy> fitAll(
            String name,
            Model model,
            Path folder,
            Map<String, Function<Function<String, double[][]>, double[][]>> columns)
            throws IOException {
        Map<String, double[]> reference = referenceMoments(folder);
        Map<String, ViConfig> configs = new LinkedHashMap<>();
        configs.put("default (auto)", ViConfig.builder().numDraws(DRAWS).seed(1).build());
        configs.put(
                "dadvi full-rank",
                ViConfig.builder()
                        .family(GuideFamily.FULL_RANK)
                        .numDraws(DRAWS)
                        .seed(1)
                        .build());
        configs.put(
                "dadvi mean-field",
                ViConfig.builder()
                        .family(GuideFamily.MEAN_FIELD)
                        .linearResponse(true)
                        .numDraws(DRAWS)
                        .seed(1)
                        .build());
        configs.put(
                "pathfinder",
                ViConfig.builder()
                        .method(ViMethod.PATHFINDER)
                        .family(GuideFamily.FULL_RANK)
                        .numDraws(DRAWS)
                        .seed(1)
                        .build());
        configs.put(
                "laplace",
                ViConfig.builder()
                        .method(ViMethod.LAPLACE)
                        .family(GuideFamily.FULL_RANK)
                        .numDraws(DRAWS)
                        .seed(1)
                        .build());
        Map<String, Accuracy> results = new LinkedHashMap<>();
        for (Map.Entry<String, ViConfig> entry : configs.entrySet()) {
            long start = System.nanoTime();
            VariationalPosterior fit = GaussianVi.fit(model, entry.getValue());
            double seconds = (System.nanoTime() - start) / 1e9;
            Accuracy accuracy = accuracy(fit, columns, reference, false);
            results.put(entry.getKey(), accuracy);
            verdicts.put(entry.getKey(), fit.reliable());
            report(name, entry.getKey(), accuracy, fit, seconds);
            if (fit.linearResponse().isPresent()) {
                Accuracy response = accuracy(fit, columns, reference, true);
                results.put(entry.getKey() + " + LR", response);
                report(name, entry.getKey() + " + LR", response, fit, seconds);
            }
            // Acceptance 2: a fit more than 0.5 sd off is never reported converged and reliable.
            if (accuracy.worstMeanError() > 0.5) {
                assertThat(fit.provenance().converged() && fit.reliable())
                        .as(name + " " + entry.getKey())
                        .isFalse();
            }
        }
        return results;
    }

    private static void report(
            String name, String method, Accuracy accuracy, VariationalPosterior fit, double seconds) {
        System.out.printf(
                Locale.ROOT,
                "%-40s %-24s worst mean error %.3f sd, worst sd ratio %.3f, k̂ %.2f," + " %s, %s, %.2f s%n",
                name,
                method,
                accuracy.worstMeanError(),
                accuracy.worstSdRatio(),
                fit.khat(),
                fit.provenance().converged() ? "converged" : "not converged",
                fit.reliable() ? "reliable" : "unreliable " + fit.reliabilityReasons(),
                seconds);
    }

    /** Worst |mean − reference| / reference sd, and the sd ratio farthest from 1. */
    private static Accuracy accuracy(
            VariationalPosterior fit,
            Map<String, Function<Function<String, double[][]>, double[][]>> columns,
            Map<String, double[]> reference,
            boolean linearResponse) {
        Function<String, double[][]> drawsOf =
                linearResponse ? block -> fit.linearResponseDraws(block).orElseThrow() : fit::draws;
        double worstMean = 0;
        double worstRatio = 1;
        for (Map.Entry<String, Function<Function<String, double[][]>, double[][]>> column : columns.entrySet()) {
            ParameterSummary summary =
                    ParameterSummary.of(flatten(column.getValue().apply(drawsOf)));
            double[] ref = reference.get(column.getKey());
            worstMean = Math.max(worstMean, Math.abs(summary.mean() - ref[0]) / ref[1]);
            double ratio = summary.sd() / ref[1];
            if (Math.abs(ratio - 1) > Math.abs(worstRatio - 1)) {
                worstRatio = ratio;
            }
        }
        return new Accuracy(worstMean, worstRatio);
    }

    private static double[][] column(double[][] draws, int j) {
        double[][] result = new double[draws.length][1];
        for (int s = 0; s < draws.length; s++) {
            result[s][0] = draws[s][j];
        }
        return result;
    }

    private static double[] flatten(double[][] draws) {
        double[] result = new double[draws.length];
        for (int s = 0; s < draws.length; s++) {
            result[s] = draws[s][0];
        }
        return result;
    }

    private static Map<String, double[]> referenceMoments(Path folder) throws IOException {
        Map<String, double[]> moments = new LinkedHashMap<>();
        List<String> lines = Files.readAllLines(folder.resolve("reference-moments.csv"));
        for (String line : lines.subList(1, lines.size())) {
            String[] fields = line.split(",");
            moments.put(fields[0], new double[] {Double.parseDouble(fields[1]), Double.parseDouble(fields[2])});
        }
        return moments;
    }

    private static JsonNode json(Path folder) throws IOException {
        return JsonMapper.builder().build().readTree(Files.readString(folder.resolve("data.json")));
    }

    private static double[] vector(JsonNode data, String field) {
        JsonNode array = data.get(field);
        double[] result = new double[array.size()];
        for (int i = 0; i < result.length; i++) {
            result[i] = array.get(i).doubleValue();
        }
        return result;
    }

    /** The posterior's folder under {@code shared/data/posteriordb-set}, found by walking up; skips if absent. */
    static Path posterior(String name) {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            for (Path candidate : List.of(
                    dir.resolve("shared/data/posteriordb-set"), dir.resolve("../shared/data/posteriordb-set"))) {
                if (Files.isDirectory(candidate.resolve(name))) {
                    return candidate.resolve(name).normalize();
                }
            }
        }
        Assumptions.abort("posteriordb-set not found beside the repository (shared/data/posteriordb-set/" + name + ")");
        return null;
    }
}
