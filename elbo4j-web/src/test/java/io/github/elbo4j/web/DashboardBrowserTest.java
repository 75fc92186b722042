package io.github.elbo4j.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDManager;
import io.github.elbo4j.data.Shapes;
import io.github.elbo4j.vae.model.VaeConfig;
import io.github.elbo4j.vae.model.VaeModel;
import io.github.elbo4j.vae.run.RunDirectory;
import io.github.elbo4j.vae.run.RunManifest;
import io.github.elbo4j.vae.train.EpochMetrics;
import io.github.elbo4j.vae.train.Trainer;
import io.github.elbo4j.vae.train.TrainingConfig;
import io.github.elbo4j.vae.train.TrainingListener;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The dashboard in a real browser (headless Chromium): curves grow while a training run (and a
 * thread appending rows) grows metrics.jsonl, and
 * the ELBO explorer's numbers obey the closed forms and log p(x) = ELBO + KL(q ‖ p(z|x)).
 */
class DashboardBrowserTest {

    @TempDir
    static Path dir;

    private static FakeRun run;
    private static DashboardServer server;
    private static WebDriver browser;

    @BeforeAll
    static void open() throws Exception {
        Assumptions.assumeTrue(
                Browser.missing().isEmpty(), () -> Browser.missing().orElse(""));
        run = FakeRun.create(dir.resolve("run"));
        run.appendEpoch();
        run.appendEpoch();
        server = DashboardServer.start(RunCatalog.open(run.root()), "127.0.0.1", 0, false);
        browser = Browser.start(1280, 1600);
    }

    /** Each test starts from a freshly loaded page of {@code dashboard}. */
    private static void load(DashboardServer dashboard) {
        browser.get("http://127.0.0.1:" + dashboard.port() + "/");
    }

    @AfterAll
    static void close() {
        if (browser != null) {
            browser.quit();
        }
        if (server != null) {
            server.close();
        }
    }

    private static int curvePoints() {
        return Integer.parseInt(browser.findElement(By.id("elbo-chart")).getDomAttribute("data-points"));
    }

    private static WebDriverWait waiting() {
        return new WebDriverWait(browser, Duration.ofSeconds(10), Duration.ofMillis(50));
    }

    @Test
    void curvesGrowWhileRowsAreAppendedAndThePlotsShow() throws Exception {
        load(server);
        waiting().until(b -> curvePoints() >= 2);
        int before = curvePoints();
        // The chart itself (not only the counter) holds the points.
        Object inChart = ((JavascriptExecutor) browser)
                .executeScript("return Chart.getChart('elbo-chart').data.datasets[0].data.length;");
        assertThat(((Number) inChart).intValue()).isEqualTo(before);
        ScheduledExecutorService training = Executors.newSingleThreadScheduledExecutor();
        try {
            training.scheduleAtFixedRate(
                    () -> {
                        try {
                            run.appendEpoch();
                        } catch (java.io.IOException e) {
                            throw new java.io.UncheckedIOException(e);
                        }
                    },
                    0,
                    150,
                    TimeUnit.MILLISECONDS);
            waiting().until(b -> curvePoints() >= before + 2);
            int seen = curvePoints();
            waiting().until(b -> curvePoints() > seen);
        } finally {
            training.shutdownNow();
            training.awaitTermination(5, TimeUnit.SECONDS);
        }
        assertThat(browser.findElement(By.cssSelector("#runs-table tbody tr")).getText())
                .contains("run");
        assertThat(browser.findElements(By.cssSelector("#plots img.plot")))
                .extracting(e -> e.getDomAttribute("alt"))
                .contains("samples.png");
        Object loaded = ((JavascriptExecutor) browser)
                .executeScript(
                        "const i = document.querySelector('#plots img.plot'); return i.complete && i.naturalWidth;");
        assertThat(((Number) loaded).intValue()).as("the samples image loads").isEqualTo(40);
    }

    @Test
    void curvesGrowWhileATrainingRunTrains() throws Exception {
        VaeConfig model =
                VaeConfig.builder().inputShape(28, 28).hidden(32).latent(2).build();
        RunDirectory training = RunDirectory.create(dir.resolve("training"), RunManifest.empty(), model);
        // A tiny model trains an epoch in milliseconds; pausing after each one paces it like a real run.
        TrainingListener paced = new TrainingListener() {
            @Override
            public void onEpoch(EpochMetrics metrics) {
                try {
                    Thread.sleep(100);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        };
        Trainer trainer = new Trainer(new TrainingConfig(500, 50, 1e-3, 3), paced, 1);
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread trainingThread = new Thread(
                () -> {
                    try (NDManager manager = NDManager.newBaseManager();
                            VaeModel vae = VaeModel.initialize(model, manager, 3)) {
                        trainer.train(vae, Shapes.generate(200, 1), Shapes.generate(50, 2), training, null);
                    } catch (Throwable t) {
                        failure.set(t);
                    }
                },
                "training");
        try (DashboardServer dashboard =
                DashboardServer.start(RunCatalog.open(training.root()), "127.0.0.1", 0, false)) {
            trainingThread.start();
            load(dashboard);
            waiting().until(b -> curvePoints() >= 2);
            int seen = curvePoints();
            waiting().until(b -> curvePoints() >= seen + 2);
        } finally {
            trainer.requestStop();
            trainingThread.join(30_000);
        }
        assertThat(failure.get()).isNull();
        assertThat(training.readMetrics().size()).isGreaterThanOrEqualTo(4);
    }

    /** Moves a slider to {@code value} the way a user's drag ends: value set, input event fired. */
    private static void slide(String id, double value) {
        ((JavascriptExecutor) browser)
                .executeScript(
                        "const s = document.getElementById(arguments[0]); s.value = arguments[1];"
                                + " s.dispatchEvent(new Event('input', {bubbles: true}));",
                        id,
                        String.valueOf(value));
        assertThat(Double.parseDouble(browser.findElement(By.id(id)).getDomProperty("value")))
                .isEqualTo(value);
    }

    private static double shown(String id) {
        return Double.parseDouble(browser.findElement(By.id(id)).getDomAttribute("data-value"));
    }

    @Test
    void explorerShowsKlOfOneHalfAtMeanOneAndScaleOne() {
        load(server);
        slide("mu", 1);
        slide("sigma", 1);
        assertThat(shown("kl")).isCloseTo(0.5, within(1e-12));
        assertThat(browser.findElement(By.id("kl")).getText()).isEqualTo("0.5000");
    }

    @Test
    void explorerKeepsElboPlusGapEqualToLogEvidence() {
        load(server);
        double[][] settings = {
            {0, 1, 1.5, 0.5},
            {1, 1, 0, 1},
            {-2.5, 0.3, 2, 0.2},
            {0.8, 0.45, 1, 1},
            {2, 2.5, -3, 3},
            {-1, 0.05, 0.5, 0.1}
        };
        for (double[] s : settings) {
            slide("mu", s[0]);
            slide("sigma", s[1]);
            slide("x", s[2]);
            slide("sigma-x", s[3]);
            String at = String.format("mu=%s sigma=%s x=%s sigma_x=%s", s[0], s[1], s[2], s[3]);
            assertThat(shown("elbo") + shown("gap")).as(at).isCloseTo(shown("logpx"), within(1e-6));
            // And each term against the closed forms, computed here independently.
            double s2 = s[1] * s[1];
            double sx2 = s[3] * s[3];
            double logpx = -0.5 * Math.log(2 * Math.PI * (1 + sx2)) - s[2] * s[2] / (2 * (1 + sx2));
            double kl = 0.5 * (s[0] * s[0] + s2 - Math.log(s2) - 1);
            double recon = -0.5 * Math.log(2 * Math.PI * sx2) - ((s[2] - s[0]) * (s[2] - s[0]) + s2) / (2 * sx2);
            assertThat(shown("logpx")).as(at).isCloseTo(logpx, within(1e-9));
            assertThat(shown("kl")).as(at).isCloseTo(kl, within(1e-9));
            assertThat(shown("recon")).as(at).isCloseTo(recon, within(1e-9));
            assertThat(shown("gap")).as(at).isGreaterThanOrEqualTo(-1e-12);
        }
    }

    @Test
    void explorerGapClosesAtTheExactPosterior() {
        load(server);
        double x = 1.2;
        double sigmaX = 0.5;
        slide("x", x);
        slide("sigma-x", sigmaX);
        // Posterior N(x/(1+σx²), σx²/(1+σx²)) = N(0.96, 0.2): σ = √0.2 ≈ 0.447, on the slider grid 0.45.
        slide("mu", 0.96);
        slide("sigma", 0.45);
        assertThat(shown("gap")).isLessThan(1e-3);
        // Shown with its standard deviation, as the σ slider is: √0.2 = 0.447.
        assertThat(browser.findElement(By.id("posterior")).getText()).isEqualTo("N(0.960, 0.447²)");
    }
}
