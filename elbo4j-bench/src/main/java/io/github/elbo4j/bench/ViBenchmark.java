package io.github.elbo4j.bench;

import ai.djl.ndarray.NDArray;

import io.github.elbo4j.data.CsvReader;
import io.github.elbo4j.data.Table;
import io.github.elbo4j.math.SpecialFunctions;
import io.github.elbo4j.vi.DataArray;
import io.github.elbo4j.vi.GaussianVi;
import io.github.elbo4j.vi.GuideFamily;
import io.github.elbo4j.vi.Model;
import io.github.elbo4j.vi.ParameterSummary;
import io.github.elbo4j.vi.VariationalPosterior;
import io.github.elbo4j.vi.ViConfig;
import io.github.elbo4j.vi.glm.GeneralizedLinearModel;
import io.github.elbo4j.vi.glm.GlmFamily;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The elbo4j half of {@code scripts/vi-vs-stan.sh}: fits the benchmark's linear and logistic
 * regressions (default priors, as the Stan programs) and the non-centered eight schools with
 * mean-field and full-rank guides over three seeds, and writes {@code OUT/elbo4j.csv} with the
 * parameter names Stan uses. Seconds are the in-process fit time, after one warm-up fit.
 */
public final class ViBenchmark {

    private static final long[] SEEDS = {1, 2, 3};

    private ViBenchmark() {}

    /**
     * Runs the benchmark.
     *
     * @param args the output folder written by {@code vi-vs-stan.R prepare}
     * @throws IOException if the results cannot be written
     */
    public static void main(String[] args) throws IOException {
        Path out = Path.of(args[0]);
        Map<String, Model> models = Map.of(
                "linear", regression(GlmFamily.LINEAR, out.resolve("linear.csv")),
                "logistic", regression(GlmFamily.LOGISTIC, out.resolve("logistic.csv")),
                "eight_schools", eightSchools());
        GaussianVi.fit(models.get("eight_schools"), ViConfig.builder().seed(0).build());
        List<String> rows = new ArrayList<>();
        rows.add("model,method,seed,seconds,parameter,mean,sd");
        for (String name : List.of("linear", "logistic", "eight_schools")) {
            for (GuideFamily family : List.of(GuideFamily.MEAN_FIELD, GuideFamily.FULL_RANK)) {
                String method = "elbo4j-" + (family == GuideFamily.MEAN_FIELD ? "meanfield" : "fullrank");
                for (long seed : SEEDS) {
                    VariationalPosterior fit = GaussianVi.fit(models.get(name),
                            ViConfig.builder().family(family).seed(seed).build());
                    double seconds = fit.provenance().seconds();
                    System.out.printf(Locale.ROOT, "%s %s seed %d: %.2f s, %d iterations, k-hat %.2f%n",
                            name, method, seed, seconds, fit.provenance().iterations(), fit.khat());
                    fit.summaries().forEach((block, summaries) -> {
                        for (int i = 0; i < summaries.size(); i++) {
                            ParameterSummary s = summaries.get(i);
                            rows.add(String.format(Locale.ROOT, "%s,%s,%d,%.4f,%s,%.10g,%.10g", name, method, seed,
                                    seconds, stanName(block, i, summaries.size()), s.mean(), s.sd()));
                        }
                    });
                }
            }
        }
        Files.write(out.resolve("elbo4j.csv"), rows);
    }

    /** elbo4j's block names as Stan names them: column x_j is beta[j], vectors are 1-based. */
    private static String stanName(String block, int index, int size) {
        if (block.matches("x\\d+")) {
            return "beta[" + block.substring(1) + "]";
        }
        return size == 1 ? block : block + "[" + (index + 1) + "]";
    }

    private static Model regression(GlmFamily family, Path csv) {
        Table table = CsvReader.readTable(csv);
        List<String> columns = table.columns().subList(1, table.columns().size());
        int n = table.rowCount();
        double[][] x = new double[n][columns.size()];
        double[] y = new double[n];
        for (int r = 0; r < n; r++) {
            y[r] = table.decimal(r, 0);
            for (int j = 0; j < columns.size(); j++) {
                x[r][j] = table.decimal(r, j + 1);
            }
        }
        return GeneralizedLinearModel.of(family, columns, x, y, true, Map.of());
    }

    /** The README's non-centered eight schools. */
    static Model eightSchools() {
        return Model.builder()
                .real("mu")
                .positive("tau")
                .real("theta_raw", 8)
                .data(DataArray.vector("y", 28, 8, -3, 7, -1, 1, 18, 12))
                .data(DataArray.vector("sigma", 15, 10, 16, 11, 9, 11, 10, 18))
                .logJoint(p -> {
                    NDArray mu = p.get("mu");
                    NDArray tau = p.get("tau");
                    NDArray thetaRaw = p.get("theta_raw");
                    NDArray theta = thetaRaw.mul(tau).add(mu);
                    NDArray z = theta.sub(p.data("y")).div(p.data("sigma"));
                    NDArray muPrior = standardNormal(mu.div(SpecialFunctions.scalar(mu, 5)));
                    NDArray tauPrior = tau.div(SpecialFunctions.scalar(tau, 5)).square()
                            .add(SpecialFunctions.scalar(tau, 1)).log().neg().sum(new int[] {1});
                    return standardNormal(z).add(standardNormal(thetaRaw)).add(muPrior).add(tauPrior);
                })
                .build();
    }

    private static NDArray standardNormal(NDArray x) {
        return x.square().sum(new int[] {1}).mul(SpecialFunctions.scalar(x, -0.5));
    }
}
