package io.github.elbo4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.elbo4j.report.HtmlReport;
import io.github.elbo4j.report.PngAssertions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.stream.Stream;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What {@code train} leaves for people to look at, and {@code elbo4j report}. */
class ReportCommandTest {

    private static final List<String> PLOTS = List.of(
            "curves.png",
            "samples.png",
            "reconstructions.png",
            "interpolation.png",
            "latent.png",
            "kl-per-dimension.png",
            "anomaly-scores.png");

    @TempDir
    static Path dir;

    private static Path run;
    private static CliRunner.Result trained;

    @BeforeAll
    static void trainOnce() throws IOException {
        Path data = TestData.shapesFolder(dir.resolve("data"));
        run = dir.resolve("run");
        trained = CliRunner.run(
                "train",
                "--data",
                data.toString(),
                "--out",
                run.toString(),
                "--epochs",
                "3",
                "--hidden",
                "32",
                "--latent",
                "4",
                "--batch-size",
                "50",
                "--json");
    }

    @Test
    void trainWritesEveryPlotAsADecodableNonBlankPng() {
        assertThat(trained.exitCode()).as(trained.err()).isZero();
        assertThat(trained.json().path("report").asText()).endsWith("report.html");
        for (String plot : PLOTS) {
            PngAssertions.assertNotBlank(run.resolve("plots").resolve(plot));
        }
    }

    @Test
    void reportHtmlIsSelfContainedAndHoldsEverySectionAndImage() throws IOException {
        assertThat(trained.exitCode()).as(trained.err()).isZero();
        Document page = Jsoup.parse(run.resolve("report.html").toFile(), "UTF-8");
        for (String section : HtmlReport.SECTIONS) {
            Element element = page.getElementById(section);
            assertThat(element).as("section #" + section).isNotNull();
            assertThat(element.tagName()).isEqualTo("section");
            assertThat(element.text()).as("text of #" + section).hasSizeGreaterThan(20);
        }
        List<Element> images = page.select("#plots img");
        assertThat(images.stream().map(i -> i.attr("alt"))).containsExactlyInAnyOrderElementsOf(PLOTS);
        for (Element image : images) {
            String src = image.attr("src");
            assertThat(src).startsWith("data:image/png;base64,");
            PngAssertions.assertNotBlank(
                    image.attr("alt"), Base64.getDecoder().decode(src.substring(src.indexOf(',') + 1)));
        }
        // Self-contained: nothing is loaded from elsewhere.
        assertThat(page.select("[src]:not(img[src^=data:]), link[href], script[src]"))
                .isEmpty();
        String config = Files.readString(run.resolve("config.json"));
        String fingerprint = new com.fasterxml.jackson.databind.ObjectMapper()
                .readTree(config)
                .path("data")
                .path("test")
                .path("fingerprint")
                .asText();
        assertThat(page.select("#data code.fingerprint").eachText()).contains(fingerprint);
        assertThat(page.getElementById("evaluation").text()).contains("IWAE").contains("analytic KL");
        assertThat(page.select("#evaluation td:eq(3)").eachText()).contains("1", "100", "exact");
        assertThat(page.getElementById("training").text()).contains("final", "best validation");
        assertThat(Integer.parseInt(page.getElementById("active-units").text())).isBetween(0, 4);
    }

    @Test
    void reportCommandRedrawsMissingPlotsAndRewritesTheReport() throws IOException {
        assertThat(trained.exitCode()).as(trained.err()).isZero();
        Files.delete(run.resolve("plots/latent.png"));
        Files.writeString(run.resolve("report.html"), "stale");
        CliRunner.Result result = CliRunner.run("report", "--run", run.toString(), "--k", "10", "--json");
        assertThat(result.exitCode()).as(result.err()).isZero();
        assertThat(result.json().path("k").asInt()).isEqualTo(10);
        assertThat(result.json().path("split").asText()).isEqualTo("test");
        assertThat(result.json().path("plots")).hasSize(PLOTS.size());
        PngAssertions.assertNotBlank(run.resolve("plots/latent.png"));
        Document page = Jsoup.parse(run.resolve("report.html").toFile(), "UTF-8");
        assertThat(page.select("#evaluation td:eq(3)").eachText()).contains("10");
        try (Stream<Path> files = Files.list(run)) {
            assertThat(files.map(p -> p.getFileName().toString())).noneMatch(n -> n.endsWith(".tmp"));
        }
    }

    @Test
    void reportOfAMissingRunIsBadInputOnOneLine() {
        Path missing = dir.resolve("no-such-run");
        CliRunner.Result result = CliRunner.run("report", "--run", missing.toString());
        assertThat(result.exitCode()).isEqualTo(Main.BAD_INPUT);
        assertThat(result.err().strip())
                .doesNotContain("\n")
                .contains(missing.toString())
                .contains("not found");
    }

    @Test
    void reportOfAFolderThatIsNotARunIsBadInputOnOneLine() throws IOException {
        Path notARun = Files.createDirectories(dir.resolve("just-a-folder"));
        CliRunner.Result result = CliRunner.run("report", "--run", notARun.toString());
        assertThat(result.exitCode()).isEqualTo(Main.BAD_INPUT);
        assertThat(result.err().strip())
                .doesNotContain("\n")
                .contains(notARun.toString())
                .contains("not an elbo4j run directory");
        assertThat(notARun.resolve("report.html")).doesNotExist();
    }
}
