package io.github.elbo4j.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.elbo4j.data.DataException;
import io.github.elbo4j.vae.objective.ElboSummary;
import io.github.elbo4j.vae.run.RunDirectory;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageIO;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Attribute;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A run directory is input like any other: one whose config, metrics, directory name and plot names
 * hold markup gives a report that shows that markup as text and runs none of it.
 */
class HtmlReportEscapingTest {

    private static final String SCRIPT = "<script>document.title='pwned'</script>";
    private static final String ONERROR = "\"><img src=x onerror=alert(1)>";
    private static final String CLOSE_TAGS = "</td></tr></table><svg onload=alert(2)>";

    @TempDir
    static Path dir;

    private static String html;
    private static Document page;

    @BeforeAll
    static void renderAHostileRun() throws IOException {
        // A file name may hold anything but '/': the run directory and a plot carry the attribute payload.
        Path root = Files.createDirectories(dir.resolve("run<img src=x onerror=alert(3)>"));
        Files.writeString(root.resolve("model.json"), "{}");
        ObjectNode config = RunDirectory.JSON.createObjectNode();
        config.put("seed", SCRIPT)
                .put("created", ONERROR)
                .put("elbo4j_version", SCRIPT)
                .put("djl_version", CLOSE_TAGS)
                .put("engine", ONERROR);
        config.putObject("model")
                .put("latent", SCRIPT)
                .put(ONERROR, 1)
                .putObject("nested")
                .put("x", CLOSE_TAGS);
        config.putObject("training").put("patience", 3).put("epochs", ONERROR);
        ObjectNode data = config.putObject("data").put("spec", SCRIPT);
        data.putObject("train").put("rows", SCRIPT).put("features", ONERROR).put("fingerprint", CLOSE_TAGS);
        data.putObject("test").put("rows", ONERROR).put("features", CLOSE_TAGS).put("fingerprint", SCRIPT);
        Files.writeString(root.resolve("config.json"), config.toString());
        // Epochs must be integers (MetricsLog refuses anything else, see below); the payloads ride in other fields.
        StringBuilder metrics = new StringBuilder();
        for (int i = 0; i < 3; i++) {
            ObjectNode row = RunDirectory.JSON.createObjectNode();
            // The learning rate changes, so the learning-rate sentence names an epoch too.
            row.put("epoch", i + 1)
                    .put("step", 10 * (i + 1))
                    .put("elbo", -100.0 - i)
                    .put("recon", ONERROR)
                    .put("kl", 10.0)
                    .put("lr", 0.001 / (i + 1))
                    .put("valid_elbo", -90.0 + i)
                    .put("seconds", 1.0 + i)
                    .put("samples_per_s", 100.0);
            metrics.append(row).append('\n');
        }
        Files.writeString(root.resolve("metrics.jsonl"), metrics.toString());
        Path plots = Files.createDirectories(root.resolve("plots"));
        ImageIO.write(
                new BufferedImage(2, 2, BufferedImage.TYPE_INT_RGB),
                "png",
                plots.resolve("x" + ONERROR + ".png").toFile());
        html = HtmlReport.render(RunDirectory.open(root), evaluation());
        page = Jsoup.parse(html);
    }

    @Test
    void noPayloadBecomesAnElementOrAnAttribute() {
        assertThat(page.select("script, svg, iframe, object, embed")).isEmpty();
        List<String> handlers = page.getAllElements().stream()
                .flatMap(e -> e.attributes().asList().stream().map(a -> e.tagName() + "@" + a.getKey()))
                .filter(a ->
                        a.substring(a.indexOf('@') + 1).toLowerCase(Locale.ROOT).startsWith("on"))
                .toList();
        assertThat(handlers).as("event-handler attributes").isEmpty();
        assertThat(page.select("img")).singleElement().satisfies(img -> {
            assertThat(img.attr("src")).startsWith("data:image/png;base64,");
            assertThat(img.attr("alt")).isEqualTo("x" + ONERROR + ".png");
        });
        assertThat(html.toLowerCase(Locale.ROOT))
                .doesNotContain("<script")
                .doesNotContain("<img src=x")
                .doesNotContain("<svg");
    }

    @Test
    void everyPayloadIsShownAsText() {
        assertThat(page.title()).isEqualTo("elbo4j report: run<img src=x onerror=alert(3)>");
        assertThat(page.getElementById("configuration").text())
                .contains("seed " + SCRIPT)
                .contains("model.latent " + SCRIPT)
                .contains("model." + ONERROR + " 1")
                .contains("model.nested.x " + CLOSE_TAGS)
                .contains("training.epochs " + ONERROR);
        assertThat(page.getElementById("data").text())
                .contains("Source " + SCRIPT)
                .contains("train " + SCRIPT + " " + ONERROR + " " + CLOSE_TAGS);
        Element training = page.getElementById("training");
        // final row: the last epoch; best validation: the last one too (valid_elbo rises).
        assertThat(training.select("tr").get(1).select("td").eachText())
                .startsWith("final", "3", "30")
                .contains("n/a");
        assertThat(training.text())
                .contains("epoch 3, the best validation epoch")
                .contains("to epoch 1, then");
        assertThat(page.getElementById("evaluation").text()).contains("On the " + SCRIPT + " split");
        assertThat(page.select("#plots figcaption code").text()).isEqualTo("plots/x" + ONERROR + ".png");
        // The page's own markup survives: sub- and superscripts of the estimator column.
        assertThat(page.select("#evaluation td sub")).isNotEmpty();
    }

    @Test
    void aMetricsRowWhoseEpochIsMarkupIsRefusedNamingTheLine() throws IOException {
        Path root = Files.createDirectories(dir.resolve("forged"));
        Files.writeString(root.resolve("model.json"), "{}");
        Files.writeString(root.resolve("config.json"), "{}");
        Files.writeString(root.resolve("metrics.jsonl"), "{\"epoch\": \"" + SCRIPT.replace("\"", "\\\"") + "\"}\n");
        assertThatThrownBy(() -> HtmlReport.render(RunDirectory.open(root), evaluation()))
                .isInstanceOf(DataException.class)
                .hasMessageContaining("metrics.jsonl: line 1");
    }

    @Test
    void thePolicyForbidsScriptsAndAllowsExactlyTheEmbeddedStyleSheet() throws NoSuchAlgorithmException {
        Element meta = page.selectFirst("head meta[http-equiv=Content-Security-Policy]");
        assertThat(meta).isNotNull();
        assertThat(meta.elementSiblingIndex()).as("before anything it governs").isEqualTo(1);
        String policy = meta.attr("content");
        assertThat(policy)
                .contains("default-src 'none'")
                .contains("img-src data:")
                .doesNotContain("script-src")
                .doesNotContain("unsafe");
        String style = page.selectFirst("head style").data();
        String hash = Base64.getEncoder()
                .encodeToString(MessageDigest.getInstance("SHA-256").digest(style.getBytes(StandardCharsets.UTF_8)));
        assertThat(policy).contains("style-src 'sha256-" + hash + "'");
        assertThat(page.select("[style]"))
                .as("inline style attributes the policy would block")
                .isEmpty();
        assertThat(page.getAllElements().stream()
                        .flatMap(e -> e.attributes().asList().stream())
                        .map(Attribute::getValue))
                .noneMatch(v -> v.toLowerCase(Locale.ROOT).startsWith("javascript:"));
    }

    private static RunEvaluation evaluation() {
        return new RunEvaluation(
                SCRIPT,
                new ElboSummary(2, -100, -90, 10, new double[] {1, 0}, new double[] {0.5, 0}),
                new double[] {-100, -101},
                5,
                1,
                150.0,
                2,
                0.5);
    }
}
