package io.github.elbo4j.report;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.elbo4j.vae.AtomicFiles;
import io.github.elbo4j.vae.ElboSummary;
import io.github.elbo4j.vae.RunDirectory;
import io.github.elbo4j.vae.Trainer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

/**
 * {@code RUN/report.html}: one self-contained page (no external files; every image is embedded as
 * a base64 data URI) with the configuration, the dataset fingerprints, the final and best training
 * metrics, the evaluation with the estimator and K behind every number, diagnostics (active units,
 * a collapse warning) and every PNG of {@code RUN/plots}. Sections carry stable ids
 * ({@code configuration}, {@code data}, {@code training}, {@code evaluation}, {@code diagnostics},
 * {@code plots}) so that tools can find them.
 */
public final class HtmlReport {

    /** File name inside the run directory. */
    public static final String FILE = "report.html";

    /** Section ids, in page order. */
    public static final List<String> SECTIONS =
            List.of("configuration", "data", "training", "evaluation", "diagnostics", "plots");

    private static final String TRAIN_ESTIMATOR =
            "single-sample reparameterized ELBO with analytic KL (K = 1), mean over the epoch's training batches";

    /** Captions of the standard plots; other PNGs are shown under their file name. */
    private static final Map<String, String> CAPTIONS = Map.of(
            TrainingCurves.FILE, "Training curves against epoch (train and validation ELBO, its terms, beta, learning rate)",
            "samples.png", "Decoded samples from the prior: z ~ N(0, I), mean of p(x|z)",
            RunArtifacts.RECONSTRUCTIONS, "Inputs (odd rows) and their reconstructions (even rows) at z = E_q[z|x]",
            LatentScatter.FILE, "Encoder means in the two latent dimensions with most KL",
            RunArtifacts.INTERPOLATION, "Decodes along straight lines between the encoder means of two inputs",
            KlBarChart.FILE, "Mean KL of each latent dimension",
            AnomalyHistogram.FILE, "Anomaly scores -log p(x) with the threshold that elbo4j score --by nll fits:"
                    + " the 0.99 quantile of the same score over the training records");

    private HtmlReport() {}

    /** Renders the page for {@code run} with {@code evaluation} (null when the run was not evaluated). */
    public static String render(RunDirectory run, RunEvaluation evaluation) {
        JsonNode config = run.readConfig();
        MetricsTable metrics = new MetricsTable(run.readMetrics());
        StringBuilder html = new StringBuilder(1 << 16);
        html.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
                .append("<title>elbo4j report: ").append(escape(run.root().getFileName().toString())).append("</title>\n")
                .append("<style>").append(STYLE).append("</style>\n</head>\n<body>\n")
                .append("<h1>elbo4j report</h1>\n<p>Run directory <code>")
                .append(escape(run.root().toAbsolutePath().normalize().toString())).append("</code>, created ")
                .append(escape(config.path("created").asText("?"))).append(", elbo4j ")
                .append(escape(config.path("elbo4j_version").asText("?"))).append(", DJL ")
                .append(escape(config.path("djl_version").asText("?"))).append(" (")
                .append(escape(config.path("engine").asText("?"))).append(").</p>\n");
        configuration(html, config);
        data(html, config.path("data"));
        training(html, metrics, config.path("training").path("patience").asInt(0));
        evaluation(html, evaluation);
        diagnostics(html, evaluation);
        plots(html, run.plotsDirectory());
        html.append("<p class=\"note\">Conventions: nats per example, summed over data and latent dimensions;"
                + " higher ELBO and log p(x) are better; a loss is -ELBO.</p>\n</body>\n</html>\n");
        return html.toString();
    }

    /** Renders the page and writes it atomically (temporary file, rename) to {@code RUN/report.html}. */
    public static Path write(RunDirectory run, RunEvaluation evaluation) {
        Path file = run.root().resolve(FILE);
        AtomicFiles.writeString(file, render(run, evaluation));
        return file;
    }

    private static void configuration(StringBuilder html, JsonNode config) {
        open(html, "configuration", "Configuration");
        html.append("<table>\n");
        row(html, "seed", config.path("seed").asText());
        flatten(html, "model", config.path("model"));
        flatten(html, "training", config.path("training"));
        html.append("</table>\n</section>\n");
    }

    private static void flatten(StringBuilder html, String prefix, JsonNode node) {
        if (node.isObject()) {
            for (Map.Entry<String, JsonNode> e : node.properties()) {
                // The weight list belongs in model.json; a table of 20 shapes tells a reader little.
                if (!e.getKey().equals("weights")) {
                    flatten(html, prefix + "." + e.getKey(), e.getValue());
                }
            }
        } else if (!node.isMissingNode()) {
            row(html, prefix, node.isTextual() ? node.asText() : node.toString());
        }
    }

    private static void data(StringBuilder html, JsonNode data) {
        open(html, "data", "Data");
        html.append("<p>Source <code>").append(escape(data.path("spec").asText("?"))).append("</code></p>\n")
                .append("<table>\n<tr><th>split</th><th>rows</th><th>features</th><th>fingerprint (SHA-256 of the values)</th></tr>\n");
        for (String split : List.of("train", "valid", "test")) {
            JsonNode s = data.path(split);
            if (!s.isMissingNode()) {
                html.append("<tr><td>").append(split).append("</td><td>").append(s.path("rows").asText())
                        .append("</td><td>").append(s.path("features").asText()).append("</td><td><code class=\"fingerprint\">")
                        .append(escape(s.path("fingerprint").asText())).append("</code></td></tr>\n");
            }
        }
        html.append("</table>\n</section>\n");
    }

    private static void training(StringBuilder html, MetricsTable metrics, int patience) {
        open(html, "training", "Training metrics");
        if (metrics.size() == 0) {
            html.append("<p>metrics.jsonl holds no rows yet.</p>\n</section>\n");
            return;
        }
        int lastRow = metrics.size() - 1;
        // An IWAE run is judged (and its best checkpoint chosen) on its validation IWAE bound.
        boolean iwae = metrics.has("valid_iwae");
        List<String> columns = iwae ? List.of("elbo", "recon", "kl", "valid_elbo", "valid_iwae")
                : List.of("elbo", "recon", "kl", "valid_elbo");
        int bestRow = metrics.bestRow(iwae ? "valid_iwae" : "valid_elbo", Trainer.MIN_IMPROVEMENT);
        html.append("<p>Estimator: ").append(TRAIN_ESTIMATOR)
                .append("; the validation ELBO uses the same estimator on the whole validation split")
                .append(iwae ? ", and the validation IWAE bound the training objective's K.</p>\n" : ".</p>\n")
                .append("<table>\n<tr><th></th><th>epoch</th><th>step</th><th>ELBO (train)</th><th>recon</th><th>KL</th>")
                .append("<th>ELBO (validation)</th>").append(iwae ? "<th>IWAE bound (validation)</th>" : "")
                .append("</tr>\n");
        metricRow(html, "final", metrics.row(lastRow), columns);
        if (bestRow >= 0) {
            metricRow(html, "best validation", metrics.row(bestRow), columns);
        }
        html.append("</table>\n");
        if (patience > 0 && bestRow >= 0) {
            html.append("<p>Early stopping (patience ").append(patience).append(" epochs): the model holds the weights of epoch ")
                    .append(metrics.row(bestRow).path("epoch").asText()).append(", the best validation epoch.</p>\n");
        }
        learningRates(html, metrics);
        html.append("<p>").append(metrics.size()).append(" epochs recorded, ")
                .append(format(metrics.last("seconds"))).append(" s of training, ")
                .append(String.format(Locale.ROOT, "%.0f", metrics.last("samples_per_s")))
                .append(" samples/s in the last epoch.</p>\n</section>\n");
    }

    /** The learning rate of each stretch of epochs, when it changed (a plateau schedule or a rollback). */
    private static void learningRates(StringBuilder html, MetricsTable metrics) {
        StringBuilder stretches = new StringBuilder();
        double rate = metrics.row(0).path("lr").asDouble();
        for (int i = 1; i < metrics.size(); i++) {
            double next = metrics.row(i).path("lr").asDouble();
            if (next != rate) {
                stretches.append(String.format(Locale.ROOT, "%.3g", rate)).append(" to epoch ")
                        .append(metrics.row(i - 1).path("epoch").asText()).append(", then ");
                rate = next;
            }
        }
        if (stretches.length() > 0) {
            html.append("<p>Learning rate: ").append(stretches).append(String.format(Locale.ROOT, "%.3g", rate))
                    .append(".</p>\n");
        }
    }

    private static void metricRow(StringBuilder html, String name, JsonNode row, List<String> columns) {
        html.append("<tr><td>").append(name).append("</td>");
        for (String column : List.of("epoch", "step")) {
            html.append("<td>").append(row.path(column).asText("")).append("</td>");
        }
        for (String column : columns) {
            JsonNode v = row.get(column);
            html.append("<td>").append(v != null && v.isNumber() ? format(v.asDouble()) : "n/a").append("</td>");
        }
        html.append("</tr>\n");
    }

    private static void evaluation(StringBuilder html, RunEvaluation e) {
        open(html, "evaluation", "Evaluation");
        if (e == null) {
            html.append("<p>Not evaluated.</p>\n</section>\n");
            return;
        }
        ElboSummary s = e.summary();
        html.append("<p>On the ").append(escape(e.split())).append(" split (").append(s.n())
                .append(" examples), noise seed ").append(e.seed()).append(", ")
                .append(format(e.seconds())).append(" s.</p>\n<table>\n")
                .append("<tr><th>quantity</th><th>value (nats per example)</th><th>estimator</th><th>K</th></tr>\n");
        estimateRow(html, "ELBO", format(s.elbo()), "single-sample reparameterized ELBO, analytic KL", 1);
        estimateRow(html, "reconstruction E_q[log p(x|z)]", format(s.recon()), "single reparameterized sample", 1);
        estimateRow(html, "KL(q(z|x) || p(z))", format(s.kl()), "closed form", 0);
        estimateRow(html, "log p(x)", format(e.meanLoglik()) + " &plusmn; " + format(e.loglikStandardError())
                + " (s.e.)", "importance-weighted bound log (1/K) &Sigma;<sub>k</sub> p(x, z<sub>k</sub>)/q(z<sub>k</sub>|x)"
                + " (IWAE, Burda et al. 2015)", e.k());
        estimateRow(html, "NLL", format(-e.meanLoglik()), "negation of the IWAE log p(x)", e.k());
        html.append("</table>\n</section>\n");
    }

    private static void estimateRow(StringBuilder html, String name, String value, String estimator, int k) {
        html.append("<tr><td>").append(escape(name)).append("</td><td class=\"num\">").append(value)
                .append("</td><td>").append(estimator).append("</td><td>")
                .append(k == 0 ? "exact" : Integer.toString(k)).append("</td></tr>\n");
    }

    private static void diagnostics(StringBuilder html, RunEvaluation e) {
        open(html, "diagnostics", "Diagnostics");
        if (e == null) {
            html.append("<p>Not evaluated.</p>\n</section>\n");
            return;
        }
        double[] kl = e.summary().klPerDimension();
        html.append("<p>Active units: <strong id=\"active-units\">").append(e.summary().activeUnits())
                .append("</strong> of ").append(kl.length)
                .append(" latent dimensions (Cov<sub>x</sub>(E<sub>q</sub>[z<sub>j</sub>|x]) &gt; ")
                .append(ElboSummary.ACTIVE_UNIT_THRESHOLD).append(", Burda et al. 2015).</p>\n");
        if (e.collapseSuspected()) {
            int active = e.summary().activeUnits();
            html.append("<p class=\"warning\" id=\"collapse-warning\">Warning: ").append(active == 0
                    ? "posterior collapse. None of the " + kl.length + " latent dimensions is in use: the decoder ignores z."
                    : "partial posterior collapse. Only " + active + " of " + kl.length + " latent dimensions are in use;"
                            + " the others carry (almost) no information about x. That is harmless when the data needs"
                            + " few dimensions.")
                    .append(" A KL warm-up, free bits or a smaller latent space are the usual remedies.</p>\n");
        }
        html.append("<details><summary>KL per dimension (nats)</summary>\n<table>\n<tr><th>dimension</th><th>KL</th>"
                + "<th>Cov<sub>x</sub>(E<sub>q</sub>[z|x])</th></tr>\n");
        for (int j = 0; j < kl.length; j++) {
            html.append("<tr><td>").append(j).append("</td><td class=\"num\">").append(format(kl[j]))
                    .append("</td><td class=\"num\">").append(format(e.summary().posteriorMeanVariance()[j]))
                    .append("</td></tr>\n");
        }
        html.append("</table>\n</details>\n</section>\n");
    }

    private static void plots(StringBuilder html, Path plotsDirectory) {
        open(html, "plots", "Plots");
        List<Path> pngs = listPngs(plotsDirectory);
        if (pngs.isEmpty()) {
            html.append("<p>No plots.</p>\n");
        }
        for (Path png : pngs) {
            String name = png.getFileName().toString();
            byte[] bytes;
            try {
                bytes = Files.readAllBytes(png);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + png + ": " + e.getMessage(), e);
            }
            html.append("<figure><img alt=\"").append(escape(name)).append("\" src=\"data:image/png;base64,")
                    .append(Base64.getEncoder().encodeToString(bytes)).append("\"><figcaption>")
                    .append(escape(CAPTIONS.getOrDefault(name, name))).append(" (<code>plots/")
                    .append(escape(name)).append("</code>)</figcaption></figure>\n");
        }
        html.append("</section>\n");
    }

    /** The PNGs of the plots folder, the standard ones in a fixed order, then the rest by name. */
    static List<Path> listPngs(Path folder) {
        List<Path> found = new ArrayList<>();
        if (!Files.isDirectory(folder)) {
            return found;
        }
        try (Stream<Path> files = Files.list(folder)) {
            files.filter(p -> p.getFileName().toString().endsWith(".png") && !p.getFileName().toString().startsWith("."))
                    .filter(Files::isRegularFile).forEach(found::add);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + folder + ": " + e.getMessage(), e);
        }
        List<String> order = List.of(TrainingCurves.FILE, "samples.png", RunArtifacts.RECONSTRUCTIONS,
                RunArtifacts.INTERPOLATION, LatentScatter.FILE, KlBarChart.FILE, AnomalyHistogram.FILE);
        found.sort((a, b) -> {
            int ia = order.indexOf(a.getFileName().toString());
            int ib = order.indexOf(b.getFileName().toString());
            ia = ia < 0 ? order.size() : ia;
            ib = ib < 0 ? order.size() : ib;
            return ia != ib ? Integer.compare(ia, ib) : a.getFileName().compareTo(b.getFileName());
        });
        return found;
    }

    private static void open(StringBuilder html, String id, String title) {
        html.append("<section id=\"").append(id).append("\">\n<h2>").append(title).append("</h2>\n");
    }

    private static void row(StringBuilder html, String key, String value) {
        html.append("<tr><th>").append(escape(key)).append("</th><td>").append(escape(value)).append("</td></tr>\n");
    }

    private static String format(double v) {
        return Double.isFinite(v) ? String.format(Locale.ROOT, "%.4g", v) : "n/a";
    }

    /** Escapes text for HTML element content and double-quoted attributes. */
    static String escape(String text) {
        StringBuilder out = new StringBuilder(text.length());
        for (char c : text.toCharArray()) {
            switch (c) {
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '&' -> out.append("&amp;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#39;");
                default -> out.append(c);
            }
        }
        return out.toString();
    }

    private static final String STYLE = "body{font-family:sans-serif;max-width:1100px;margin:2em auto;padding:0 1em;color:#222}"
            + "table{border-collapse:collapse;margin:.5em 0}th,td{border:1px solid #ccc;padding:.25em .6em;text-align:left}"
            + "td.num{text-align:right;font-variant-numeric:tabular-nums}code{font-size:90%}"
            + ".warning{background:#fff3cd;border:1px solid #e0b000;padding:.6em}"
            + "figure{margin:1.5em 0}img{max-width:100%;border:1px solid #ddd}.note{color:#666}";
}
