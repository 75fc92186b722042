package io.github.elbo4j.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.elbo4j.data.DataException;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The dashboard over HTTP: what it serves, what it refuses, and its event stream. */
class DashboardServerTest {

    @TempDir
    static Path dir;

    private static FakeRun run;
    private static DashboardServer server;

    @BeforeAll
    static void start() throws IOException {
        run = FakeRun.create(dir.resolve("runs/alpha"));
        run.appendEpoch();
        Files.writeString(dir.resolve("runs/outside.png"), "not served");
        Files.writeString(dir.resolve("secret.txt"), "not served");
        server = DashboardServer.start(RunCatalog.open(run.root()), "127.0.0.1", 0, false);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    /** Sends {@code target} verbatim (no client-side normalisation) and returns the status code. */
    private static int rawStatus(String target) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", server.port())) {
            socket.setSoTimeout(5000);
            OutputStream out = socket.getOutputStream();
            out.write(("GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            String status = new BufferedReader(
                            new InputStreamReader(socket.getInputStream(), StandardCharsets.ISO_8859_1))
                    .readLine();
            assertThat(status).as("status line for " + target).startsWith("HTTP/1.1 ");
            return Integer.parseInt(status.split(" ")[1]);
        }
    }

    @Test
    void servesThePageChartJsAndTheRunsPlots() throws IOException {
        assertThat(rawStatus("/")).isEqualTo(200);
        assertThat(rawStatus("/assets/chart.umd.min.js")).isEqualTo(200);
        assertThat(rawStatus("/assets/dashboard.js")).isEqualTo(200);
        assertThat(rawStatus("/assets/explorer.js")).isEqualTo(200);
        assertThat(rawStatus("/runs/alpha/plots/samples.png")).isEqualTo(200);
        assertThat(rawStatus("/api/runs")).isEqualTo(200);
    }

    @Test
    void pathsOutsideTheServedPlotsGet404() throws IOException {
        List<String> attacks = List.of(
                "/runs/alpha/plots/../config.json",
                "/runs/alpha/plots/../../outside.png",
                "/runs/alpha/plots/..%2fconfig.json",
                "/runs/alpha/plots/..%2F..%2Foutside.png",
                "/runs/alpha/plots/%2e%2e/config.json",
                "/runs/alpha/plots/%2e%2e%2f%2e%2e%2foutside.png",
                "/runs/alpha/plots/%252e%252e%252fconfig.json",
                "/runs/alpha/plots/..%5cconfig.json",
                "/runs/alpha/plots/" + dir.resolve("runs/outside.png").toAbsolutePath(),
                "/runs/alpha/plots/%2f"
                        + dir.resolve("runs/outside.png")
                                .toAbsolutePath()
                                .toString()
                                .substring(1),
                "/runs/alpha/plots//etc/passwd",
                "/runs/..%2f..%2fruns/plots/outside.png",
                "/runs/%2e%2e/plots/outside.png",
                "/../../../../etc/passwd",
                "/%2e%2e/%2e%2e/etc/passwd",
                "/assets/..%2f..%2fpom.xml",
                "/assets/%2e%2e/index.html",
                "/assets/chart.js",
                "/assets/../../../../etc/passwd",
                "/META-INF/resources/webjars/chart.js/4.5.1/dist/chart.umd.min.js",
                "/io/github/elbo4j/web/index.html",
                "/runs/alpha/config.json",
                "/runs/alpha/metrics.jsonl",
                "/runs/alpha/plots/.samples.png.tmp",
                "/runs/alpha/plots/missing.png",
                "/runs/beta/plots/samples.png",
                "/etc/passwd",
                "/secret.txt",
                "//etc/passwd",
                "http://127.0.0.1/../secret.txt");
        java.util.Map<String, Integer> served = new java.util.LinkedHashMap<>();
        for (String attack : attacks) {
            int status = rawStatus(attack);
            if (status != 404) {
                served.put(attack, status);
            }
        }
        assertThat(served).as("requests that did not get 404").isEmpty();
    }

    @Test
    void isReadOnly() throws IOException {
        try (Socket socket = new Socket("127.0.0.1", server.port())) {
            socket.setSoTimeout(5000);
            socket.getOutputStream()
                    .write(("DELETE /runs/alpha/plots/samples.png HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                                    + "Connection: close\r\n\r\n")
                            .getBytes(StandardCharsets.ISO_8859_1));
            String status = new BufferedReader(
                            new InputStreamReader(socket.getInputStream(), StandardCharsets.ISO_8859_1))
                    .readLine();
            assertThat(status).matches("HTTP/1.1 40[45] .*");
        }
        assertThat(run.root().resolve("plots/samples.png")).isRegularFile();
    }

    @Test
    void eventStreamSendsTheHistoryThenEveryAppendedRow() throws Exception {
        HttpClient client = HttpClient.newHttpClient();
        BlockingQueue<String> lines = new LinkedBlockingQueue<>();
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/api/events"))
                .header("Accept", "text/event-stream")
                .timeout(Duration.ofSeconds(20))
                .build();
        var response = client.sendAsync(request, HttpResponse.BodyHandlers.ofLines());
        Stream<String> body = response.get(10, TimeUnit.SECONDS).body();
        Thread reader = new Thread(() -> {
            try {
                body.forEach(lines::add);
            } catch (java.io.UncheckedIOException closedByTheTest) {
                // the stream ends when the test closes it
            }
        });
        reader.setDaemon(true);
        reader.start();
        String history = awaitData(lines, "reset");
        assertThat(history).contains("\"run\":\"alpha\"").contains("\"epoch\":1");
        run.appendEpoch();
        String appended = awaitData(lines, "metrics");
        assertThat(appended).contains("\"epoch\":2").doesNotContain("\"epoch\":1,");
        body.close();
    }

    /** The data line of the next event named {@code name}. */
    private static String awaitData(BlockingQueue<String> lines, String name) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        boolean named = false;
        while (System.nanoTime() < deadline) {
            String line = lines.poll(100, TimeUnit.MILLISECONDS);
            if (line == null) {
                continue;
            }
            if (line.startsWith("event:")) {
                named = line.substring(6).strip().equals(name);
            } else if (named && line.startsWith("data:")) {
                return line.substring(5).strip();
            }
        }
        throw new AssertionError("no '" + name + "' event within 10 s");
    }

    @Test
    void refusesNonLoopbackAddressesUnlessAllowed() {
        assertThat(HostPolicy.check("127.0.0.1", false)).isEqualTo("127.0.0.1");
        assertThat(HostPolicy.check("localhost", false)).isEqualTo("localhost");
        assertThat(HostPolicy.check("::1", false)).isEqualTo("::1");
        assertThatThrownBy(() -> DashboardServer.start(server.catalog(), "0.0.0.0", 0, false))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("0.0.0.0 is not a loopback address")
                .hasMessageContaining("set allowRemote");
        assertThatThrownBy(() -> HostPolicy.check("8.8.8.8", false)).hasMessageContaining("allowRemote");
        assertThat(HostPolicy.check("0.0.0.0", true)).isEqualTo("0.0.0.0");
    }

    @Test
    void aFolderOfRunsServesEachRunAndPicksUpNewOnes() throws IOException {
        Path folder = dir.resolve("many");
        FakeRun.create(folder.resolve("one"));
        Files.createDirectories(folder.resolve("not-a-run"));
        RunCatalog catalog = RunCatalog.open(folder);
        assertThat(catalog.runs()).extracting(ServedRun::id).containsExactly("one");
        FakeRun.create(folder.resolve("two"));
        FakeRun.create(folder.resolve(".three.creating-1234"));
        assertThat(catalog.refresh()).isTrue();
        assertThat(catalog.runs()).extracting(ServedRun::id).containsExactly("one", "two");
        assertThat(catalog.plot("two", "samples.png")).isPresent();
        assertThat(catalog.plot("two", "../one/plots/samples.png")).isEmpty();
    }

    @Test
    void aMissingPathOrAFolderWithoutRunsIsBadInput() throws IOException {
        assertThatThrownBy(() -> RunCatalog.open(dir.resolve("nope")))
                .isInstanceOf(DataException.class)
                .hasMessageContaining("run directory not found");
        Path empty = Files.createDirectories(dir.resolve("empty"));
        assertThatThrownBy(() -> RunCatalog.open(empty))
                .isInstanceOf(DataException.class)
                .hasMessageContaining("no model.json");
    }
}
