package io.github.elbo4j.report;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.elbo4j.io.AtomicFiles;
import io.github.elbo4j.vae.objective.ElboSummary;
import io.github.elbo4j.vae.run.RunDirectory;
import io.github.elbo4j.vae.train.Trainer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;
import org.jsoup.nodes.DataNode;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.DocumentType;
import org.jsoup.nodes.Element;

/**
 * {@code RUN/report.html}: one self-contained page (no external files; every image is embedded as
 * a base64 data URI) with the configuration, the dataset fingerprints, the final and best training
 * metrics, the evaluation with the estimator and K behind every number, diagnostics (active units,
 * a collapse warning) and every PNG of {@code RUN/plots}. Sections carry stable ids
 * ({@code configuration}, {@code data}, {@code training}, {@code evaluation}, {@code diagnostics},
 * {@code plots}) so that tools can find them.
 *
 * <p>A run directory may come from someone else, so every value read from it (configuration, metrics,
 * data names, file names) enters the page as DOM text or an attribute value (jsoup escapes both), never
 * as markup, and the page's Content-Security-Policy forbids scripts altogether.
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
            TrainingCurves.FILE,
            "Training curves against epoch (train and validation ELBO, its terms, beta, learning rate)",
            "samples.png",
            "Decoded samples from the prior: z ~ N(0, I), mean of p(x|z)",
            RunArtifacts.RECONSTRUCTIONS,
            "Inputs (odd rows) and their reconstructions (even rows) at z = E_q[z|x]",
            LatentScatter.FILE,
            "Encoder means in the two latent dimensions with most KL",
            RunArtifacts.INTERPOLATION,
            "Decodes along straight lines between the encoder means of two inputs",
            KlBarChart.FILE,
            "Mean KL of each latent dimension",
            AnomalyHistogram.FILE,
            "Anomaly scores -log p(x) with the threshold that elbo4j score --by nll fits:"
                    + " the 0.99 quantile of the same score over the training records");

    private HtmlReport() {}

    /** Renders the page for {@code run} with {@code evaluation} (null when the run was not evaluated). */
    public static String render(RunDirectory run, RunEvaluation evaluation) {
        JsonNode config = run.readConfig();
        MetricsTable metrics = new MetricsTable(run.readMetrics());
        Document page = Document.createShell("");
        page.prependChild(new DocumentType("html", "", ""));
        page.outputSettings().charset(StandardCharsets.UTF_8);
        page.selectFirst("html").attr("lang", "en");
        Element head = page.head();
        head.appendElement("meta").attr("charset", "utf-8");
        head.appendElement("meta")
                .attr("http-equiv", "Content-Security-Policy")
                .attr("content", CONTENT_SECURITY_POLICY);
        head.appendElement("title").text("elbo4j report: " + run.root().getFileName());
        head.appendElement("style").appendChild(new DataNode(STYLE));
        Element body = page.body();
        body.appendElement("h1").text("elbo4j report");
        Element intro = body.appendElement("p").appendText("Run directory ");
        intro.appendElement("code").text(run.root().toAbsolutePath().normalize().toString());
        intro.appendText(", created " + config.path("created").asText("?") + ", elbo4j "
                + config.path("elbo4j_version").asText("?") + ", DJL "
                + config.path("djl_version").asText("?")
                + " (" + config.path("engine").asText("?") + ").");
        configuration(body, config);
        data(body, config.path("data"));
        training(body, metrics, config.path("training").path("patience").asInt(0));
        evaluation(body, evaluation);
        diagnostics(body, evaluation);
        plots(body, run.plotsDirectory());
        body.appendElement("p")
                .addClass("note")
                .text("Conventions: nats per example, summed over data and latent"
                        + " dimensions; higher ELBO and log p(x) are better; a loss is -ELBO.");
        return page.outerHtml() + "\n";
    }

    /** Renders the page and writes it atomically (temporary file, rename) to {@code RUN/report.html}. */
    public static Path write(RunDirectory run, RunEvaluation evaluation) {
        Path file = run.root().resolve(FILE);
        AtomicFiles.writeString(file, render(run, evaluation));
        return file;
    }

    private static void configuration(Element body, JsonNode config) {
        Element table = section(body, "configuration", "Configuration").appendElement("table");
        row(table, "seed", config.path("seed").asText());
        flatten(table, "model", config.path("model"));
        flatten(table, "training", config.path("training"));
    }

    private static void flatten(Element table, String prefix, JsonNode node) {
        if (node.isObject()) {
            for (Map.Entry<String, JsonNode> e : node.properties()) {
                // The weight list belongs in model.json; a table of 20 shapes tells a reader little.
                if (!e.getKey().equals("weights")) {
                    flatten(table, prefix + "." + e.getKey(), e.getValue());
                }
            }
        } else if (!node.isMissingNode()) {
            row(table, prefix, node.isTextual() ? node.asText() : node.toString());
        }
    }

    private static void data(Element body, JsonNode data) {
        Element section = section(body, "data", "Data");
        section.appendElement("p")
                .appendText("Source ")
                .appendElement("code")
                .text(data.path("spec").asText("?"));
        Element table = section.appendElement("table");
        cells(table.appendElement("tr"), "th", "split", "rows", "features", "fingerprint (SHA-256 of the values)");
        for (String split : List.of("train", "valid", "test")) {
            JsonNode s = data.path(split);
            if (!s.isMissingNode()) {
                Element tr = cells(
                        table.appendElement("tr"),
                        "td",
                        split,
                        s.path("rows").asText(),
                        s.path("features").asText());
                tr.appendElement("td")
                        .appendElement("code")
                        .addClass("fingerprint")
                        .text(s.path("fingerprint").asText());
            }
        }
    }

    private static void training(Element body, MetricsTable metrics, int patience) {
        Element section = section(body, "training", "Training metrics");
        if (metrics.size() == 0) {
            section.appendElement("p").text("metrics.jsonl holds no rows yet.");
            return;
        }
        int lastRow = metrics.size() - 1;
        // An IWAE run is judged (and its best checkpoint chosen) on its validation IWAE bound.
        boolean iwae = metrics.has("valid_iwae");
        List<String> columns = iwae
                ? List.of("elbo", "recon", "kl", "valid_elbo", "valid_iwae")
                : List.of("elbo", "recon", "kl", "valid_elbo");
        int bestRow = metrics.bestRow(iwae ? "valid_iwae" : "valid_elbo", Trainer.MIN_IMPROVEMENT);
        section.appendElement("p")
                .text("Estimator: " + TRAIN_ESTIMATOR
                        + "; the validation ELBO uses the same estimator on the whole validation split"
                        + (iwae ? ", and the validation IWAE bound the training objective's K." : "."));
        Element table = section.appendElement("table");
        Element header = cells(
                table.appendElement("tr"),
                "th",
                "",
                "epoch",
                "step",
                "ELBO (train)",
                "recon",
                "KL",
                "ELBO (validation)");
        if (iwae) {
            header.appendElement("th").text("IWAE bound (validation)");
        }
        metricRow(table, "final", metrics.row(lastRow), columns);
        if (bestRow >= 0) {
            metricRow(table, "best validation", metrics.row(bestRow), columns);
        }
        if (patience > 0 && bestRow >= 0) {
            section.appendElement("p")
                    .text("Early stopping (patience " + patience + " epochs): the model holds the"
                            + " weights of epoch "
                            + metrics.row(bestRow).path("epoch").asText() + ", the best validation epoch.");
        }
        learningRates(section, metrics);
        section.appendElement("p")
                .text(metrics.size() + " epochs recorded, " + format(metrics.last("seconds"))
                        + " s of training, " + String.format(Locale.ROOT, "%.0f", metrics.last("samples_per_s"))
                        + " samples/s in the last epoch.");
    }

    /** The learning rate of each stretch of epochs, when it changed (a plateau schedule or a rollback). */
    private static void learningRates(Element section, MetricsTable metrics) {
        StringBuilder stretches = new StringBuilder();
        double rate = metrics.row(0).path("lr").asDouble();
        for (int i = 1; i < metrics.size(); i++) {
            double next = metrics.row(i).path("lr").asDouble();
            if (next != rate) {
                stretches
                        .append(String.format(Locale.ROOT, "%.3g", rate))
                        .append(" to epoch ")
                        .append(metrics.row(i - 1).path("epoch").asText())
                        .append(", then ");
                rate = next;
            }
        }
        if (stretches.length() > 0) {
            section.appendElement("p")
                    .text("Learning rate: " + stretches + String.format(Locale.ROOT, "%.3g", rate) + ".");
        }
    }

    private static void metricRow(Element table, String name, JsonNode row, List<String> columns) {
        Element tr = cells(
                table.appendElement("tr"),
                "td",
                name,
                row.path("epoch").asText(""),
                row.path("step").asText(""));
        for (String column : columns) {
            JsonNode v = row.get(column);
            tr.appendElement("td").text(v != null && v.isNumber() ? format(v.asDouble()) : "n/a");
        }
    }

    private static void evaluation(Element body, RunEvaluation e) {
        Element section = section(body, "evaluation", "Evaluation");
        if (e == null) {
            section.appendElement("p").text("Not evaluated.");
            return;
        }
        ElboSummary s = e.summary();
        section.appendElement("p")
                .text("On the " + e.split() + " split (" + s.n() + " examples), noise seed " + e.seed() + ", "
                        + format(e.seconds()) + " s.");
        Element table = section.appendElement("table");
        cells(table.appendElement("tr"), "th", "quantity", "value (nats per example)", "estimator", "K");
        estimateRow(table, "ELBO", format(s.elbo()), "single-sample reparameterized ELBO, analytic KL", 1);
        estimateRow(table, "reconstruction E_q[log p(x|z)]", format(s.recon()), "single reparameterized sample", 1);
        estimateRow(table, "KL(q(z|x) || p(z))", format(s.kl()), "closed form", 0);
        estimateRow(
                table,
                "log p(x)",
                format(e.meanLoglik()) + " \u00b1 " + format(e.loglikStandardError()) + " (s.e.)",
                "importance-weighted bound log (1/K) &Sigma;<sub>k</sub> p(x, z<sub>k</sub>)/q(z<sub>k</sub>|x)"
                        + " (IWAE, Burda et al. 2015)",
                e.k());
        estimateRow(table, "NLL", format(-e.meanLoglik()), "negation of the IWAE log p(x)", e.k());
    }

    /** A row of the evaluation table; {@code estimatorMarkup} is one of this class's constants, never run data. */
    private static void estimateRow(Element table, String name, String value, String estimatorMarkup, int k) {
        Element tr = table.appendElement("tr");
        tr.appendElement("td").text(name);
        tr.appendElement("td").addClass("num").text(value);
        tr.appendElement("td").append(estimatorMarkup);
        tr.appendElement("td").text(k == 0 ? "exact" : Integer.toString(k));
    }

    private static void diagnostics(Element body, RunEvaluation e) {
        Element section = section(body, "diagnostics", "Diagnostics");
        if (e == null) {
            section.appendElement("p").text("Not evaluated.");
            return;
        }
        double[] kl = e.summary().klPerDimension();
        Element units = section.appendElement("p").appendText("Active units: ");
        units.appendElement("strong")
                .id("active-units")
                .text(Integer.toString(e.summary().activeUnits()));
        units.appendText(" of " + kl.length + " latent dimensions (")
                .append("Cov<sub>x</sub>(E<sub>q</sub>[z<sub>j</sub>|x])")
                .appendText(" > " + ElboSummary.ACTIVE_UNIT_THRESHOLD + ", Burda et al. 2015).");
        if (e.collapseSuspected()) {
            int active = e.summary().activeUnits();
            section.appendElement("p")
                    .addClass("warning")
                    .id("collapse-warning")
                    .text("Warning: "
                            + (active == 0
                                    ? "posterior collapse. None of the " + kl.length
                                            + " latent dimensions is in use: the decoder ignores z."
                                    : "partial posterior collapse. Only " + active + " of " + kl.length
                                            + " latent dimensions are in use;"
                                            + " the others carry (almost) no information about x. That is harmless when the data needs"
                                            + " few dimensions.")
                            + " A KL warm-up, free bits or a smaller latent space are the usual remedies.");
        }
        Element details = section.appendElement("details");
        details.appendElement("summary").text("KL per dimension (nats)");
        Element table = details.appendElement("table");
        Element header = cells(table.appendElement("tr"), "th", "dimension", "KL");
        header.appendElement("th").append("Cov<sub>x</sub>(E<sub>q</sub>[z|x])");
        for (int j = 0; j < kl.length; j++) {
            Element tr = cells(table.appendElement("tr"), "td", Integer.toString(j));
            tr.appendElement("td").addClass("num").text(format(kl[j]));
            tr.appendElement("td").addClass("num").text(format(e.summary().posteriorMeanVariance()[j]));
        }
    }

    private static void plots(Element body, Path plotsDirectory) {
        Element section = section(body, "plots", "Plots");
        List<Path> pngs = listPngs(plotsDirectory);
        if (pngs.isEmpty()) {
            section.appendElement("p").text("No plots.");
        }
        for (Path png : pngs) {
            String name = png.getFileName().toString();
            byte[] bytes;
            try {
                bytes = Files.readAllBytes(png);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + png + ": " + e.getMessage(), e);
            }
            Element figure = section.appendElement("figure");
            figure.appendElement("img")
                    .attr("alt", name)
                    .attr("src", "data:image/png;base64," + Base64.getEncoder().encodeToString(bytes));
            Element caption = figure.appendElement("figcaption").appendText(CAPTIONS.getOrDefault(name, name) + " (");
            caption.appendElement("code").text("plots/" + name);
            caption.appendText(")");
        }
    }

    /** The PNGs of the plots folder, the standard ones in a fixed order, then the rest by name. */
    static List<Path> listPngs(Path folder) {
        List<Path> found = new ArrayList<>();
        if (!Files.isDirectory(folder)) {
            return found;
        }
        try (Stream<Path> files = Files.list(folder)) {
            files.filter(p -> p.getFileName().toString().endsWith(".png")
                            && !p.getFileName().toString().startsWith("."))
                    .filter(Files::isRegularFile)
                    .forEach(found::add);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + folder + ": " + e.getMessage(), e);
        }
        List<String> order = List.of(
                TrainingCurves.FILE,
                "samples.png",
                RunArtifacts.RECONSTRUCTIONS,
                RunArtifacts.INTERPOLATION,
                LatentScatter.FILE,
                KlBarChart.FILE,
                AnomalyHistogram.FILE);
        found.sort((a, b) -> {
            int ia = order.indexOf(a.getFileName().toString());
            int ib = order.indexOf(b.getFileName().toString());
            ia = ia < 0 ? order.size() : ia;
            ib = ib < 0 ? order.size() : ib;
            return ia != ib ? Integer.compare(ia, ib) : a.getFileName().compareTo(b.getFileName());
        });
        return found;
    }

    private static Element section(Element body, String id, String title) {
        Element section = body.appendElement("section").id(id);
        section.appendElement("h2").text(title);
        return section;
    }

    private static void row(Element table, String key, String value) {
        Element tr = table.appendElement("tr");
        tr.appendElement("th").text(key);
        tr.appendElement("td").text(value);
    }

    /** Appends one {@code tag} cell per text to {@code tr} and returns {@code tr}. */
    private static Element cells(Element tr, String tag, String... texts) {
        for (String text : texts) {
            tr.appendElement(tag).text(text);
        }
        return tr;
    }

    private static String format(double v) {
        return Double.isFinite(v) ? String.format(Locale.ROOT, "%.4g", v) : "n/a";
    }

    private static final String STYLE =
            "body{font-family:sans-serif;max-width:1100px;margin:2em auto;padding:0 1em;color:#222}"
                    + "table{border-collapse:collapse;margin:.5em 0}th,td{border:1px solid #ccc;padding:.25em .6em;text-align:left}"
                    + "td.num{text-align:right;font-variant-numeric:tabular-nums}code{font-size:90%}"
                    + ".warning{background:#fff3cd;border:1px solid #e0b000;padding:.6em}"
                    + "figure{margin:1.5em 0}img{max-width:100%;border:1px solid #ddd}.note{color:#666}";

    /**
     * The page loads nothing and runs nothing: no script at all, images only as data URIs, and the one
     * style sheet above by its hash. A value that escaped the DOM builder still could not execute.
     */
    private static final String CONTENT_SECURITY_POLICY = "default-src 'none'; img-src data:; style-src 'sha256-"
            + sha256Base64(STYLE) + "'; base-uri 'none'; form-action 'none'";

    private static String sha256Base64(String text) {
        try {
            return Base64.getEncoder()
                    .encodeToString(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
    }
}
