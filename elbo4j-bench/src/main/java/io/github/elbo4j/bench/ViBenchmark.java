package io.github.elbo4j.bench;

import io.github.elbo4j.data.CsvReader;
import io.github.elbo4j.data.Table;
import io.github.elbo4j.vi.GaussianVi;
import io.github.elbo4j.vi.GuideFamily;
import io.github.elbo4j.vi.Model;
import io.github.elbo4j.vi.ParameterSummary;
import io.github.elbo4j.vi.VariationalPosterior;
import io.github.elbo4j.vi.ViConfig;
import io.github.elbo4j.vi.ViListener;
import io.github.elbo4j.vi.glm.GeneralizedLinearModel;
import io.github.elbo4j.vi.glm.GlmFamily;
import io.github.elbo4j.vi.glm.Preconditioning;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The elbo4j half of {@code scripts/vi-vs-stan.sh}: fits the benchmark's linear and logistic
 * regressions (default priors, as the Stan programs; closed-form gradients; the logistic one by
 * {@link GaussianVi}'s deterministic path, exact ELBO and L-BFGS) and the non-centered
 * eight schools with mean-field and full-rank guides over three seeds, and writes {@code
 * OUT/elbo4j.csv} with the parameter names Stan uses. Eight schools runs twice: written with its
 * gradient in plain doubles (methods {@code elbo4j-meanfield}, {@code elbo4j-fullrank}) and written
 * with DJL operations, differentiated by autograd ({@code …-djl}). Seconds are the in-process fit
 * time, after one warm-up fit of each model with each guide family (the just-in-time compiler
 * otherwise times its own work: the logistic fits no longer run the stochastic steps that used to
 * warm the code every stochastic fit shares).
 *
 * <p>Optional arguments after OUT: {@code particles=S}, {@code elbo-draws=N}, {@code
 * max-iterations=N} and {@code tol-rel-obj=T} override those settings of {@link ViConfig}
 * (defaults otherwise); {@code skip-djl} leaves out the DJL rows.
 */
public final class ViBenchmark {

    private static final long[] SEEDS = {1, 2, 3};

    private ViBenchmark() {}

    /** A model under a method-name suffix. */
    private record Entry(String model, String suffix, Model fitted) {}

    /**
     * Runs the benchmark.
     *
     * @param args the output folder written by {@code vi-vs-stan.R prepare}, then the optional
     *     settings of the class documentation
     * @throws IOException if the results cannot be written
     */
    public static void main(String[] args) throws IOException {
        Path out = Path.of(args[0]);
        ViConfig.Builder settings = ViConfig.builder();
        boolean skipDjl = false;
        for (String arg : List.of(args).subList(1, args.length)) {
            if (arg.startsWith("particles=")) {
                settings.numParticles(Integer.parseInt(arg.substring("particles=".length())));
            } else if (arg.startsWith("elbo-draws=")) {
                settings.elboDraws(Integer.parseInt(arg.substring("elbo-draws=".length())));
            } else if (arg.startsWith("max-iterations=")) {
                settings.maxIterations(Integer.parseInt(arg.substring("max-iterations=".length())));
            } else if (arg.startsWith("tol-rel-obj=")) {
                settings.relativeTolerance(Double.parseDouble(arg.substring("tol-rel-obj=".length())));
            } else if (arg.equals("skip-djl")) {
                skipDjl = true;
            } else {
                throw new IllegalArgumentException("unknown argument '" + arg
                        + "'; expected particles=S, elbo-draws=N, max-iterations=N, tol-rel-obj=T or skip-djl");
            }
        }
        List<Entry> entries = new ArrayList<>(List.of(
                new Entry("linear", "", regression(GlmFamily.LINEAR, out.resolve("linear.csv"))),
                new Entry("logistic", "", regression(GlmFamily.LOGISTIC, out.resolve("logistic.csv"))),
                new Entry("eight_schools", "", EightSchools.closedForm())));
        if (!skipDjl) {
            entries.add(new Entry("eight_schools", "-djl", EightSchools.tensorModel()));
        }
        ViConfig defaults = settings.build();
        System.out.printf(
                Locale.ROOT,
                "particles S = %d, ELBO draws %d, max iterations %d%n",
                defaults.numParticles(),
                defaults.elboDraws(),
                defaults.maxIterations());
        List<GuideFamily> families = List.of(GuideFamily.MEAN_FIELD, GuideFamily.FULL_RANK);
        for (Entry entry : entries) {
            for (GuideFamily family : families) {
                fit(entry.fitted(), settings.family(family).seed(0).build());
            }
        }
        List<String> rows = new ArrayList<>();
        rows.add("model,method,seed,seconds,parameter,mean,sd");
        for (Entry entry : entries) {
            for (GuideFamily family : families) {
                String method =
                        "elbo4j-" + (family == GuideFamily.MEAN_FIELD ? "meanfield" : "fullrank") + entry.suffix();
                for (long seed : SEEDS) {
                    // The whole call, as Stan's vb() is timed: the fit, the 1,000 output draws and k-hat.
                    long start = System.nanoTime();
                    VariationalPosterior fit = fit(
                            entry.fitted(), settings.family(family).seed(seed).build());
                    double seconds = (System.nanoTime() - start) / 1e9;
                    int steps = fit.provenance().iterations() + fit.provenance().adaptationIterations();
                    double fitting = fit.provenance().seconds();
                    System.out.printf(
                            Locale.ROOT,
                            "%s %s seed %d: %.3f s (%.3f s fitting, the rest draws and k-hat),"
                                    + " %d iterations (+%d adaptation), %.1f us per iteration, k-hat %.2f, %s%n",
                            entry.model(),
                            method,
                            seed,
                            seconds,
                            fitting,
                            fit.provenance().iterations(),
                            fit.provenance().adaptationIterations(),
                            1e6 * fitting / steps,
                            fit.khat(),
                            fit.provenance().method());
                    fit.summaries().forEach((block, summaries) -> {
                        for (int i = 0; i < summaries.size(); i++) {
                            ParameterSummary s = summaries.get(i);
                            rows.add(String.format(
                                    Locale.ROOT,
                                    "%s,%s,%d,%.4f,%s,%.10g,%.10g",
                                    entry.model(),
                                    method,
                                    seed,
                                    seconds,
                                    stanName(block, i, summaries.size()),
                                    s.mean(),
                                    s.sd()));
                        }
                    });
                }
            }
        }
        Files.write(out.resolve("elbo4j.csv"), rows);
    }

    /**
     * A regression through {@link GeneralizedLinearModel#fit} with its default (QR) preconditioning,
     * as the CLI and the library fit it; any other model through {@link GaussianVi}.
     */
    private static VariationalPosterior fit(Model model, ViConfig config) {
        return model instanceof GeneralizedLinearModel glm
                ? glm.fit(config, Preconditioning.QR, ViListener.NONE)
                : GaussianVi.fit(model, config);
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
}
