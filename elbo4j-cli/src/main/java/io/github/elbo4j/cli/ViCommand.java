package io.github.elbo4j.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.elbo4j.data.CsvReader;
import io.github.elbo4j.data.DataException;
import io.github.elbo4j.io.AtomicFiles;
import io.github.elbo4j.vi.GuideFamily;
import io.github.elbo4j.vi.NonFiniteElboException;
import io.github.elbo4j.vi.ParameterBlock;
import io.github.elbo4j.vi.ParameterSummary;
import io.github.elbo4j.vi.TracePoint;
import io.github.elbo4j.vi.VariationalPosterior;
import io.github.elbo4j.vi.ViConfig;
import io.github.elbo4j.vi.ViListener;
import io.github.elbo4j.vi.ViMethod;
import io.github.elbo4j.vi.glm.GeneralizedLinearModel;
import io.github.elbo4j.vi.glm.GlmFamily;
import io.github.elbo4j.vi.glm.Preconditioning;
import io.github.elbo4j.vi.glm.RegressionPrior;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code elbo4j vi}: Bayesian regression on a CSV file by Gaussian variational inference. A fit that
 * is not reliable prints its reasons first; one that failed (not converged, or non-finite) exits
 * with {@link Main#RUNTIME_FAILURE} and writes no draws.
 */
@Command(
        name = "vi",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {
            "Fit a Bayesian linear, logistic or Poisson regression to a CSV file by Gaussian variational",
            "inference and print posterior summaries, the ELBO, the importance-sampling estimate of",
            "log p(data), the Pareto k-hat diagnostic and whether the fit is reliable. The predictors are",
            "centred, scaled and decorrelated inside the fit (--preconditioning) and every number is",
            "reported on the original scale. A fit that is not reliable prints a warning with its reasons",
            "first; a fit that failed (not converged, or non-finite values) exits with code 1.",
            "Logistic and Poisson regressions with a mean-field or full-rank guide and all records are",
            "fitted deterministically (exact ELBO by quadrature, L-BFGS)."
        })
final class ViCommand implements Callable<Integer> {

    private static final String FAILED = "FIT FAILED: do not use these numbers.";
    private static final String ADVICE = "  Things to try: --family full-rank, --method pathfinder or laplace to "
            + "compare, more --max-iterations, priors that rule out implausible values, or rescaling the data.";

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "MODEL", description = "linear (normal, unknown sigma), logistic or poisson.")
    String modelName;

    @Option(names = "--data", paramLabel = "FILE", required = true, description = "CSV file with a header row.")
    Path data;

    @Option(names = "--y", paramLabel = "COLUMN", required = true, description = "Response column.")
    String response;

    @Option(
            names = "--x",
            paramLabel = "COLUMNS",
            split = ",",
            description = "Predictor columns, comma-separated (none: an intercept-only model).")
    List<String> predictors = new ArrayList<>();

    @Option(names = "--no-intercept", description = "Leave out the intercept.")
    boolean noIntercept;

    @Option(
            names = "--prior",
            paramLabel = "NAME=DIST",
            description = {
                "Prior for a parameter, repeatable: NAME is beta (every coefficient), intercept, sigma or a column;",
                "DIST is normal(m,s), cauchy(m,s), student_t(nu,m,s) or exponential(rate).",
                "Defaults: coefficient ~ normal(0, 2.5 sd(y)/sd(x)) (linear) or normal(0, 2.5/sd(x));",
                "intercept ~ normal(mean(y), 10 sd(y)) (linear) or normal(0, 10); sigma ~ exponential(1/sd(y)).",
                "The intercept's prior (default or given) is on the centred intercept, the linear predictor at",
                "the predictors' means (as rstanarm); the reported intercept is the value at x = 0."
            })
    List<String> priors = new ArrayList<>();

    @Option(
            names = "--method",
            paramLabel = "METHOD",
            description = {
                "dadvi (fixed draws, L-BFGS), advi (stochastic gradients), pathfinder or laplace.",
                "Default: dadvi, or advi with --batch-size."
            })
    String method;

    @Option(
            names = "--family",
            paramLabel = "FAMILY",
            defaultValue = "auto",
            description = {
                "auto, mean-field, low-rank or full-rank, over the preconditioned coordinates.",
                "auto: full-rank up to 200 unconstrained coordinates, else mean-field with linear-response",
                "covariances. Default: ${DEFAULT-VALUE}."
            })
    String family;

    @Option(
            names = "--preconditioning",
            paramLabel = "KIND",
            defaultValue = "qr",
            description = {
                "qr (centre, scale and decorrelate the predictors), standardize (centre and scale)",
                "or none. The posterior is the same; the fit is better conditioned. Default: ${DEFAULT-VALUE}."
            })
    String preconditioning;

    @Option(
            names = "--rank",
            paramLabel = "R",
            defaultValue = "2",
            description = "Factors of a low-rank guide. Default: ${DEFAULT-VALUE}.")
    int rank;

    @Option(
            names = "--particles",
            paramLabel = "S",
            defaultValue = "20",
            description = "Draws per gradient step (advi). Default: ${DEFAULT-VALUE}.")
    int particles;

    @Option(
            names = "--max-iterations",
            paramLabel = "N",
            defaultValue = "20000",
            description = "Default: ${DEFAULT-VALUE}.")
    int maxIterations;

    @Option(
            names = "--tol-rel-obj",
            paramLabel = "TOL",
            defaultValue = "0.001",
            description =
                    "Relative ELBO change that counts as converged (advi; Stan's tol_rel_obj). Default: ${DEFAULT-VALUE}.")
    double tolerance;

    @Option(
            names = "--lr",
            paramLabel = "ETA",
            description = "Adam step size (advi; default: chosen by a step-size search).")
    Double learningRate;

    @Option(
            names = "--batch-size",
            paramLabel = "M",
            defaultValue = "0",
            description =
                    "Records per step, the likelihood scaled by n/M (advi; 0: all records). Default: ${DEFAULT-VALUE}.")
    int batchSize;

    // 4,000 rather than Stan's 1,000: the printed means then carry a Monte Carlo error of 0.016
    // posterior sd rather than 0.032, small beside the 0.1 sd a fit is judged by.
    @Option(
            names = "--num-draws",
            paramLabel = "N",
            defaultValue = "4000",
            description = "Posterior draws for the summaries and diagnostics. Default: ${DEFAULT-VALUE}.")
    int numDraws;

    @Option(names = "--draws", paramLabel = "FILE", description = "Write the posterior draws to this CSV file.")
    Path drawsFile;

    @Mixin
    SeedOption seed = new SeedOption();

    @Mixin
    CommonOptions common = new CommonOptions();

    @Override
    public Integer call() {
        common.configureEngine();
        GlmFamily glm = GlmFamily.fromName(modelName);
        ViConfig.Builder builder = ViConfig.builder()
                .family(GuideFamily.fromName(family))
                .rank(rank)
                .numParticles(particles)
                .maxIterations(maxIterations)
                .relativeTolerance(tolerance)
                .learningRate(learningRate == null ? Double.NaN : learningRate)
                .batchSize(batchSize)
                .numDraws(numDraws)
                .seed(seed.value());
        if (method != null) {
            builder.method(ViMethod.fromName(method));
        }
        ViConfig config = builder.build();
        Preconditioning requested = Preconditioning.fromName(preconditioning);
        Map<String, RegressionPrior> priorOverrides = parsePriors(priors);
        if (drawsFile != null) {
            CommonOptions.checkOutputFile(drawsFile);
        }
        GeneralizedLinearModel model = readModel(glm, priorOverrides);
        Preconditioning applied = model.preconditioningInEffect(requested);

        VariationalPosterior fit;
        try (Progress progress = new Progress("vi " + glm, "it")) {
            fit = model.fit(config, requested, new ViListener() {
                @Override
                public void onEvaluation(TracePoint point, int max) {
                    progress.progress(point.iteration(), max);
                    progress.message(String.format(Locale.ROOT, "ELBO %.3f", point.elbo()));
                }
            });
        } catch (NonFiniteElboException e) {
            return reportNonFinite(model, config, applied, e.getMessage());
        }
        boolean failed = hasFailed(fit);
        if (!fit.reliable() && common.json) {
            // stdout is the JSON object; the warning still reaches the reader first.
            spec.commandLine().getErr().println(warning(fit, failed));
            spec.commandLine().getErr().flush();
        }
        if (drawsFile != null && !failed) {
            writeDraws(fit, drawsFile);
        }
        Output.print(
                spec.commandLine().getOut(),
                common.json,
                json(fit, model, config, applied, failed),
                (fit.reliable() ? "" : warning(fit, failed) + System.lineSeparator())
                        + table(fit, model, applied, failed));
        return failed ? Main.RUNTIME_FAILURE : 0;
    }

    /** A fit that failed outright: its optimizer did not converge, or its ELBO or q is not finite. */
    private static boolean hasFailed(VariationalPosterior fit) {
        if (!fit.provenance().converged() || !Double.isFinite(fit.elbo())) {
            return true;
        }
        for (double[] row : fit.gaussian().covariance()) {
            for (double v : row) {
                if (!Double.isFinite(v)) {
                    return true;
                }
            }
        }
        for (double v : fit.gaussian().mean()) {
            if (!Double.isFinite(v)) {
                return true;
            }
        }
        return false;
    }

    /** The warning an unreliable fit prints before anything else: what is wrong and what to try. */
    private String warning(VariationalPosterior fit, boolean failed) {
        StringBuilder text =
                new StringBuilder(failed ? FAILED : "WARNING: this fit is not reliable; its numbers may be wrong.");
        for (String reason : fit.reliabilityReasons()) {
            text.append(System.lineSeparator()).append("  - ").append(reason);
        }
        text.append(System.lineSeparator()).append(ADVICE);
        if (failed && drawsFile != null) {
            text.append(System.lineSeparator())
                    .append("  No draws were written to ")
                    .append(drawsFile)
                    .append('.');
        }
        return text.toString();
    }

    /** A fit that stopped with non-finite values: the reason, in JSON or words, and exit code 1. */
    private int reportNonFinite(GeneralizedLinearModel model, ViConfig config, Preconditioning applied, String reason) {
        ObjectNode json = Output.object();
        json.put("reliable", false);
        json.putArray("reasons").add(reason);
        json.put("converged", false);
        json.put("model", model.family().cliName());
        json.put("vi_method", config.method().cliName());
        json.put("family", config.family().cliName());
        json.put("preconditioning", applied.cliName());
        json.put("n", model.dataSize());
        json.put("seed", config.seed());
        String human = FAILED + System.lineSeparator() + "  - " + reason + System.lineSeparator() + ADVICE;
        if (common.json) {
            spec.commandLine().getErr().println(human);
            spec.commandLine().getErr().flush();
        }
        Output.print(spec.commandLine().getOut(), common.json, json, human);
        return Main.RUNTIME_FAILURE;
    }

    /** Parses repeated {@code NAME=DIST} options. */
    static Map<String, RegressionPrior> parsePriors(List<String> options) {
        Map<String, RegressionPrior> result = new LinkedHashMap<>();
        for (String option : options) {
            int equals = option.indexOf('=');
            if (equals <= 0) {
                throw new IllegalArgumentException(
                        "--prior '" + option + "': expected NAME=DIST, e.g. beta=normal(0,2.5)");
            }
            String name = option.substring(0, equals).trim();
            try {
                result.put(name, RegressionPrior.parse(option.substring(equals + 1)));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("--prior " + name + ": " + e.getMessage(), e);
            }
        }
        return result;
    }

    /** Reads the response and predictors, checking every cell with its line and column. */
    private GeneralizedLinearModel readModel(GlmFamily glm, Map<String, RegressionPrior> priorOverrides) {
        // Row by row, each cell checked as it arrives: a bad line 2 is reported without reading the rest.
        try (CsvReader.Rows rows = CsvReader.open(data)) {
            int yColumn = rows.column(response);
            int[] xColumns = predictors.stream().mapToInt(rows::column).toArray();
            if (predictors.contains(response)) {
                throw new DataException(
                        data, "header", "column '" + response + "' is both the response and a predictor");
            }
            double[] y = new double[1024];
            double[][] x = new double[1024][];
            double[] sumOfSquares = new double[xColumns.length + 1];
            int n = 0;
            while (rows.next()) {
                if (n == y.length) {
                    y = Arrays.copyOf(y, 2 * n);
                    x = Arrays.copyOf(x, 2 * n);
                }
                y[n] = rows.decimal(yColumn);
                String problem = glm.responseProblem(y[n]);
                if (problem != null) {
                    throw new DataException(data, rows.location(yColumn), problem);
                }
                sumOfSquares[xColumns.length] += y[n] * y[n];
                x[n] = new double[xColumns.length];
                for (int j = 0; j < xColumns.length; j++) {
                    x[n][j] = rows.decimal(xColumns[j]);
                    sumOfSquares[j] += x[n][j] * x[n][j];
                }
                n++;
            }
            // The fit's moments and sufficient statistics are sums of squares: values near 1e154 and
            // beyond overflow them, so such a column is named here rather than failing inside the fit.
            for (int j = 0; j <= xColumns.length; j++) {
                if (!Double.isFinite(sumOfSquares[j])) {
                    String column = j < xColumns.length ? predictors.get(j) : response;
                    throw new DataException(
                            data,
                            "column '" + column + "'",
                            "its values are too large: their"
                                    + " sum of squares overflows a double; rescale the column (e.g. to other units)");
                }
            }
            return GeneralizedLinearModel.of(
                    glm, predictors, Arrays.copyOf(x, n), Arrays.copyOf(y, n), !noIntercept, priorOverrides);
        }
    }

    private static void writeDraws(VariationalPosterior fit, Path file) {
        List<String> names = fit.blocks().stream().map(ParameterBlock::name).toList();
        List<double[][]> columns = names.stream().map(fit::draws).toList();
        StringBuilder csv = new StringBuilder(String.join(",", names)).append('\n');
        int n = columns.get(0).length;
        for (int s = 0; s < n; s++) {
            for (int j = 0; j < names.size(); j++) {
                csv.append(j == 0 ? "" : ",").append(columns.get(j)[s][0]);
            }
            csv.append('\n');
        }
        AtomicFiles.writeString(file, csv.toString());
    }

    private ObjectNode json(
            VariationalPosterior fit,
            GeneralizedLinearModel model,
            ViConfig config,
            Preconditioning applied,
            boolean failed) {
        ObjectNode json = Output.object();
        json.put("reliable", fit.reliable());
        fit.reliabilityReasons().forEach(json.putArray("reasons")::add);
        json.put("model", model.family().cliName());
        json.put("vi_method", config.method().cliName());
        json.put("family", fit.config().family().cliName());
        json.put("preconditioning", applied.cliName());
        json.put("n", model.dataSize());
        ObjectNode parameters = json.putObject("parameters");
        fit.summaries().forEach((name, summaries) -> {
            ParameterSummary s = summaries.get(0);
            ObjectNode node = parameters.putObject(name);
            Output.putNumber(node, "mean", s.mean());
            Output.putNumber(node, "sd", s.sd());
            Output.putNumber(node, "q5", s.q5());
            Output.putNumber(node, "q50", s.q50());
            Output.putNumber(node, "q95", s.q95());
            node.put("prior", model.priors().get(name).toString());
        });
        Output.putNumber(json, "elbo", fit.elbo());
        Output.putNumber(json, "elbo_se", fit.elboStandardError());
        Output.putNumber(json, "log_evidence", fit.logEvidence().logEvidence());
        Output.putNumber(json, "log_evidence_se", fit.logEvidence().standardError());
        Output.putNumber(json, "ess", fit.logEvidence().effectiveSampleSize());
        Output.putNumber(json, "khat", fit.khat());
        json.put("khat_reading", fit.khatReading().name().toLowerCase(Locale.ROOT));
        json.put("num_draws", fit.config().numDraws());
        json.put("iterations", fit.provenance().iterations());
        json.put("converged", fit.provenance().converged());
        Output.putNumber(json, "learning_rate", fit.provenance().learningRate());
        json.put("seed", fit.config().seed());
        Output.putNumber(json, "seconds", fit.provenance().seconds());
        json.put("engine", fit.provenance().engine());
        json.put("method", fit.provenance().method());
        if (drawsFile != null && !failed) {
            json.put("draws", drawsFile.toString());
        }
        return json;
    }

    private String table(
            VariationalPosterior fit, GeneralizedLinearModel model, Preconditioning applied, boolean failed) {
        StringBuilder out = new StringBuilder();
        out.append(String.format(
                Locale.ROOT,
                "%s regression on %s: %d records, %s, %s Gaussian guide, %s "
                        + "preconditioning (results on the original scale)%n",
                model.family(),
                data,
                model.dataSize(),
                fit.config().method().cliName(),
                fit.config().family(),
                applied.cliName()));
        out.append(String.format(
                Locale.ROOT,
                "%-16s %10s %10s %10s %10s %10s  %s%n",
                "parameter",
                "mean",
                "sd",
                "5%",
                "50%",
                "95%",
                "prior"));
        fit.summaries().forEach((name, summaries) -> {
            ParameterSummary s = summaries.get(0);
            out.append(String.format(
                    Locale.ROOT,
                    "%-16s %10.4f %10.4f %10.4f %10.4f %10.4f  %s%n",
                    name,
                    s.mean(),
                    s.sd(),
                    s.q5(),
                    s.q50(),
                    s.q95(),
                    model.priors().get(name)));
        });
        int draws = fit.config().numDraws();
        out.append(String.format(
                Locale.ROOT,
                "ELBO          %.3f ± %.3f (%d draws from q)%n",
                fit.elbo(),
                fit.elboStandardError(),
                draws));
        out.append(String.format(
                Locale.ROOT,
                "log p(data)   %.3f ± %.3f (importance sampling, %d draws, ESS %.0f)%n",
                fit.logEvidence().logEvidence(),
                fit.logEvidence().standardError(),
                draws,
                fit.logEvidence().effectiveSampleSize()));
        out.append(String.format(
                Locale.ROOT,
                "Pareto k-hat  %.2f: %s%n",
                fit.khat(),
                fit.khatReading().explanation()));
        VariationalPosterior.Provenance p = fit.provenance();
        // A deterministic fit has no step size (its learning rate is NaN).
        String stepSize = Double.isNaN(p.learningRate())
                ? ""
                : ", step size " + p.learningRate() + (p.learningRateSearched() ? " (searched)" : "");
        out.append(String.format(
                Locale.ROOT,
                "%s: %d iterations%s, %s, %.1f s, seed %d%n",
                p.method(),
                p.iterations(),
                stepSize,
                p.converged() ? "converged" : "NOT converged",
                p.seconds(),
                fit.config().seed()));
        out.append(
                fit.reliable()
                        ? "Reliable: yes (converged, k-hat, ELBO and covariance checks passed)"
                        : "Reliable: NO (see the warning above)");
        if (drawsFile != null && !failed) {
            out.append(System.lineSeparator()).append("Draws written to ").append(drawsFile);
        }
        return out.toString();
    }
}
