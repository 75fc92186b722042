package io.github.elbo4j.web;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Regenerates {@code docs/dashboard.png} and {@code docs/report.png} (run through
 * {@code docs/screenshots.sh}); does nothing in an ordinary test run. It waits until the page
 * shows the run's curves and every plot has loaded, so the picture is what a user sees.
 */
@EnabledIfSystemProperty(named = "elbo4j.screenshots.run", matches = ".+")
class DashboardScreenshots {

    @Test
    void dashboardAndReport() throws Exception {
        Path run = Path.of(System.getProperty("elbo4j.screenshots.run")).toAbsolutePath();
        Path out = Path.of(System.getProperty("elbo4j.screenshots.out", "docs")).toAbsolutePath();
        Files.createDirectories(out);
        try (DashboardServer server = DashboardServer.start(RunCatalog.open(run), "127.0.0.1", 0, false)) {
            ChromeDriver browser = Browser.start(1280, 2500);
            try {
                browser.get("http://127.0.0.1:" + server.port() + "/");
                WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(20));
                wait.until(
                        b -> Integer.parseInt(b.findElement(By.id("elbo-chart")).getDomAttribute("data-points")) > 0);
                wait.until(
                        b -> !b.findElements(By.cssSelector("#plots img.plot")).isEmpty()
                                && (Boolean)
                                        ((JavascriptExecutor) b)
                                                .executeScript(
                                                        "return [...document.querySelectorAll('#plots img.plot')].every(i => i.complete);"));
                // A setting of the explorer away from the defaults shows a visible gap.
                ((JavascriptExecutor) browser)
                        .executeScript("const s = document.getElementById('mu');"
                                + " s.value = '0.3'; s.dispatchEvent(new Event('input'));");
                Files.write(out.resolve("dashboard.png"), browser.getScreenshotAs(OutputType.BYTES));
                resize(browser, 1100, 2600);
                browser.get(run.resolve("report.html").toUri().toString());
                Files.write(out.resolve("report.png"), browser.getScreenshotAs(OutputType.BYTES));
            } finally {
                browser.quit();
            }
        }
    }

    private static void resize(WebDriver browser, int width, int height) {
        browser.manage().window().setSize(new org.openqa.selenium.Dimension(width, height));
    }
}
