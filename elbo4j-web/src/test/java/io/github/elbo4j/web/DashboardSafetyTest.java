package io.github.elbo4j.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The dashboard against a hostile web page and a hostile client: DNS rebinding (a foreign Host),
 * framing, and event-stream clients that never read.
 */
class DashboardSafetyTest {

    /**
     * The large run's history: 4,000 rows of 2 kB (a long note in each), 8 MB of JSON, more than
     * the kernel's socket buffers (up to 4 MB on Linux) and Jetty's hold for a client that never reads.
     */
    private static final int BULK_ROWS = 4_000;

    private static final String NOTE = "x".repeat(1800);

    @TempDir
    static Path dir;

    private static DashboardServer server;

    @BeforeAll
    static void start() throws IOException {
        Path runs = dir.resolve("runs");
        FakeRun.create(runs.resolve("alpha")).appendEpoch();
        FakeRun bulk = FakeRun.create(runs.resolve("bulk"));
        StringBuilder rows = new StringBuilder();
        for (int epoch = 1; epoch <= BULK_ROWS; epoch++) {
            double elbo = -100 - 1.0 / epoch;
            rows.append("{\"epoch\":")
                    .append(epoch)
                    .append(",\"step\":")
                    .append(100L * epoch)
                    .append(",\"elbo\":")
                    .append(elbo)
                    .append(",\"recon\":")
                    .append(elbo - 20)
                    .append(",\"kl\":20.0,\"beta\":1.0,\"lr\":0.001,\"valid_elbo\":")
                    .append(elbo - 1)
                    .append(",\"seconds\":")
                    .append(epoch)
                    .append(",\"samples_per_s\":5000.0,\"note\":\"")
                    .append(NOTE)
                    .append("\"}\n");
        }
        Files.writeString(bulk.root().resolve("metrics.jsonl"), rows);
        server = DashboardServer.start(RunCatalog.open(runs), "127.0.0.1", 0, false);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    /** A response's status line and headers (names in lower case), read from a raw request. */
    private record Head(int status, Map<String, String> headers) {}

    private static Head request(String target, String host) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", server.port())) {
            socket.setSoTimeout(5000);
            socket.getOutputStream()
                    .write(("GET " + target + " HTTP/1.1\r\n" + (host == null ? "" : "Host: " + host + "\r\n")
                                    + "Connection: close\r\n\r\n")
                            .getBytes(StandardCharsets.ISO_8859_1));
            BufferedReader in =
                    new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.ISO_8859_1));
            String status = in.readLine();
            assertThat(status)
                    .as("status line for " + target + " with Host " + host)
                    .startsWith("HTTP/1.1 ");
            Map<String, String> headers = new LinkedHashMap<>();
            for (String line = in.readLine(); line != null && !line.isEmpty(); line = in.readLine()) {
                int colon = line.indexOf(':');
                headers.merge(
                        line.substring(0, colon).strip().toLowerCase(Locale.ROOT),
                        line.substring(colon + 1).strip(),
                        (a, b) -> a + ", " + b);
            }
            return new Head(Integer.parseInt(status.split(" ")[1]), headers);
        }
    }

    @Test
    void aForeignHostNameIsRefusedAndTheServersOwnNamesAreServed() throws IOException {
        int port = server.port();
        List<String> foreign = List.of(
                "evil.example:" + port,
                "evil.example",
                "localhost.evil.example:" + port,
                "127.0.0.1.nip.io:" + port,
                "127.0.0.2:" + port,
                "[::2]:" + port,
                "127.0.0.1:" + (port == 1 ? 2 : 1));
        Map<String, Integer> served = new LinkedHashMap<>();
        for (String host : foreign) {
            for (String target :
                    List.of("/", "/api/runs", "/api/events", "/assets/dashboard.js", "/runs/alpha/plots/samples.png")) {
                int status = request(target, host).status();
                if (status != 403 && status != 421) {
                    served.put(host + " " + target, status);
                }
            }
        }
        assertThat(served)
                .as("requests with a foreign Host that were not refused")
                .isEmpty();
        // Jetty itself refuses a malformed Host (400, shown as the dashboard's plain 404).
        assertThat(request("/api/runs", "localhost:" + port + "@evil.example").status())
                .isEqualTo(404);
        for (String host :
                List.of("127.0.0.1:" + port, "localhost:" + port, "LocalHost:" + port, "[::1]:" + port, "127.0.0.1")) {
            assertThat(request("/api/runs", host).status()).as("Host " + host).isEqualTo(200);
        }
    }

    @Test
    void aServerOnEveryInterfaceAlsoAnswersAddressLiteralsButNoOtherName() {
        AllowedHosts everywhere = new AllowedHosts("0.0.0.0");
        assertThat(everywhere.accepts("192.168.1.5:8765", 8765)).isTrue();
        assertThat(everywhere.accepts("[fe80::1]:8765", 8765)).isTrue();
        assertThat(everywhere.accepts("192.168.1.5:8766", 8765)).isFalse();
        assertThat(everywhere.accepts("evil.example:8765", 8765)).isFalse();
        assertThat(everywhere.accepts(null, 8765)).isFalse();
        AllowedHosts one = new AllowedHosts("::1");
        assertThat(one.accepts("[::1]:8765", 8765)).isTrue();
        assertThat(one.accepts("192.168.1.5:8765", 8765)).isFalse();
    }

    @Test
    void everyResponseForbidsFraming() throws IOException {
        String host = "127.0.0.1:" + server.port();
        Map<String, Integer> statuses = new LinkedHashMap<>();
        for (String[] request : List.of(
                new String[] {"/", host},
                new String[] {"/api/runs", host},
                new String[] {"/no-such-page", host},
                new String[] {"/%2e%2e/%2e%2e/etc/passwd", host},
                new String[] {"/api/runs", "evil.example"})) {
            Head head = request(request[0], request[1]);
            statuses.put(request[0] + " " + request[1], head.status());
            assertThat(head.headers().get("content-security-policy"))
                    .as(request[0])
                    .contains("frame-ancestors 'none'");
            assertThat(head.headers().get("x-frame-options")).as(request[0]).isEqualTo("DENY");
        }
        assertThat(statuses.values()).containsExactly(200, 200, 404, 404, 403);
    }

    @Test
    void eightClientsThatNeverReadDoNotDelayANewPage() throws IOException, InterruptedException {
        List<Socket> stuck = new ArrayList<>();
        try {
            for (int i = 0; i < 8; i++) {
                Socket socket = new Socket();
                socket.setReceiveBufferSize(1024); // before connecting, so the window stays small
                socket.connect(new InetSocketAddress("127.0.0.1", server.port()), 5000);
                socket.getOutputStream().write(eventStreamRequest());
                stuck.add(socket);
            }
            Thread.sleep(500); // the server is now writing the large history to clients that never read
            long start = System.nanoTime();
            try (Socket page = new Socket("127.0.0.1", server.port())) {
                page.setSoTimeout(5000);
                OutputStream out = page.getOutputStream();
                out.write(eventStreamRequest());
                BufferedReader in =
                        new BufferedReader(new InputStreamReader(page.getInputStream(), StandardCharsets.UTF_8));
                String event = null;
                for (String line = in.readLine(); line != null; line = in.readLine()) {
                    if (line.startsWith("event:")) {
                        event = line.substring(6).strip();
                    } else if (event != null && line.startsWith("data:")) {
                        break;
                    }
                }
                double seconds = (System.nanoTime() - start) / 1e9;
                System.out.printf(Locale.ROOT, "first event after %.3f s with 8 stuck clients%n", seconds);
                assertThat(event).isEqualTo("reset");
                assertThat(seconds)
                        .as("seconds to the first event with 8 stuck clients")
                        .isLessThan(1.0);
            }
        } finally {
            for (Socket socket : stuck) {
                socket.close();
            }
        }
    }

    private byte[] eventStreamRequest() {
        return ("GET /api/events HTTP/1.1\r\nHost: 127.0.0.1:" + server.port()
                        + "\r\nAccept: text/event-stream\r\n\r\n")
                .getBytes(StandardCharsets.ISO_8859_1);
    }
}
