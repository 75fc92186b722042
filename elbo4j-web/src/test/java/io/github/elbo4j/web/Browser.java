package io.github.elbo4j.web;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * Headless Chromium driven by Selenium, using Debian's {@code chromium} and {@code chromium-driver}
 * (or {@code CHROME_BIN} / {@code CHROMEDRIVER}). Both binaries are given explicitly, so Selenium
 * never tries to download a browser or a driver.
 */
final class Browser {

    private Browser() {}

    /** The Chromium binary, when installed. */
    static Optional<Path> chromium() {
        return first(
                System.getenv("CHROME_BIN"),
                "/usr/bin/chromium",
                "/usr/bin/chromium-browser",
                "/usr/bin/google-chrome");
    }

    /** The ChromeDriver binary, when installed. */
    static Optional<Path> chromedriver() {
        return first(System.getenv("CHROMEDRIVER"), "/usr/bin/chromedriver", "/usr/lib/chromium/chromedriver");
    }

    /** Why the browser tests cannot run here, or empty when they can. */
    static Optional<String> missing() {
        if (chromium().isEmpty() || chromedriver().isEmpty()) {
            return Optional.of("headless browser test skipped: Chromium and ChromeDriver not found (install Debian's "
                    + "chromium and chromium-driver, as .ci/run does, or set CHROME_BIN and CHROMEDRIVER)");
        }
        return Optional.empty();
    }

    /** A headless Chromium with a window of the given size. */
    static ChromeDriver start(int width, int height) {
        ChromeOptions options = new ChromeOptions();
        options.setBinary(chromium().orElseThrow().toFile());
        options.addArguments(
                "--headless=new",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-dev-shm-usage",
                "--window-size=" + width + "," + height,
                "--hide-scrollbars");
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(chromedriver().orElseThrow().toFile())
                .usingAnyFreePort()
                .build();
        return new ChromeDriver(service, options);
    }

    private static Optional<Path> first(String... candidates) {
        return java.util.Arrays.stream(candidates)
                .filter(c -> c != null && !c.isBlank())
                .map(Path::of)
                .filter(Files::isExecutable)
                .findFirst();
    }
}
