package io.github.elbo4j.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DownloaderTest {

    private static final byte[] CONTENT = "hello, elbo4j\n".getBytes(StandardCharsets.UTF_8);
    // Computed independently of Java: printf 'hello, elbo4j\n' | sha256sum
    private static final String SHA256 = "c63dac41cd0d5fbc179fcca2a9d892abec19c021766bdbfa364b8e5aaa6093f4";

    @TempDir
    Path dir;

    private static long filesIn(Path folder) throws IOException {
        try (Stream<Path> files = Files.list(folder)) {
            return files.count();
        }
    }

    @Test
    void downloadsFileUriAndVerifiesChecksum() throws IOException {
        Path source = TestFiles.write(dir, "src/data.bin", CONTENT);
        Path target = dir.resolve("out/nested/data.bin");

        Path result = Downloader.download(source.toUri(), target, "SHA-256", SHA256.toUpperCase());

        assertThat(result).isEqualTo(target);
        assertThat(Files.readAllBytes(target)).isEqualTo(CONTENT);
        assertThat(filesIn(target.getParent())).isEqualTo(1);
    }

    @Test
    void acceptsMd5() throws IOException {
        Path source = TestFiles.write(dir, "src/data.bin", CONTENT);
        String md5 = Downloader.checksum(source, "MD5");

        Downloader.download(source.toUri(), dir.resolve("md5.bin"), "md5", md5);

        assertThat(Files.readAllBytes(dir.resolve("md5.bin"))).isEqualTo(CONTENT);
        assertThat(md5).hasSize(32);
    }

    @Test
    void rejectsCorruptedDownloadNamingFileExpectedAndActualChecksumAndLeavesNothing() throws IOException {
        byte[] corrupted = CONTENT.clone();
        corrupted[0] = 'j';
        Path source = TestFiles.write(dir, "src/data.bin", corrupted);
        Path target = dir.resolve("out/data.bin");
        String expected = SHA256;

        assertThatThrownBy(() -> Downloader.download(source.toUri(), target, "SHA-256", expected))
                .isInstanceOf(DataException.class)
                .hasMessage(target + ": checksum mismatch for " + source.toUri() + ": expected SHA-256 " + expected
                        + ", got " + TestFiles.sha256(corrupted));
        assertThat(target).doesNotExist();
        assertThat(filesIn(target.getParent())).isZero();
    }

    @Test
    void keepsAnExistingTargetWhenTheDownloadIsCorrupt() throws IOException {
        Path source = TestFiles.write(dir, "src/data.bin", CONTENT);
        Path target = TestFiles.write(dir, "out/data.bin", new byte[] {1, 2, 3});

        assertThatThrownBy(() -> Downloader.download(source.toUri(), target, "SHA-256", "00".repeat(32)))
                .isInstanceOf(DataException.class);
        assertThat(Files.readAllBytes(target)).containsExactly(1, 2, 3);
    }

    @Test
    void reportsMissingSourceAsAnIoFailure() {
        URI missing = dir.resolve("nope.bin").toUri();

        assertThatThrownBy(() -> Downloader.download(missing, dir.resolve("t.bin"), "MD5", "00".repeat(16)))
                .isInstanceOf(UncheckedIOException.class)
                .hasMessageStartingWith("cannot download " + missing + " to " + dir.resolve("t.bin"));
        assertThat(dir.resolve("t.bin")).doesNotExist();
    }

    @Test
    void rejectsUnsupportedSchemes() {
        assertThatThrownBy(() -> Downloader.download(
                        URI.create("ftp://example.org/x"), dir.resolve("x"), "MD5", "00".repeat(16)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("only http, https and file URIs are supported");
    }

    @Test
    void downloadsOverHttpAndReportsHttpErrors() throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/data.bin", exchange -> {
            exchange.sendResponseHeaders(200, CONTENT.length);
            try (OutputStream body = exchange.getResponseBody()) {
                body.write(CONTENT);
            }
        });
        server.createContext("/missing", exchange -> {
            exchange.sendResponseHeaders(404, -1);
            exchange.close();
        });
        server.start();
        try {
            String base = "http://127.0.0.1:" + server.getAddress().getPort();
            Path target = dir.resolve("http.bin");

            Downloader.download(URI.create(base + "/data.bin"), target, "SHA-256", SHA256);

            assertThat(Files.readAllBytes(target)).isEqualTo(CONTENT);
            assertThatThrownBy(() ->
                            Downloader.download(URI.create(base + "/missing"), dir.resolve("m.bin"), "SHA-256", SHA256))
                    .isInstanceOf(UncheckedIOException.class)
                    .hasMessageEndingWith("HTTP status 404");
        } finally {
            server.stop(0);
        }
    }

    @Test
    void checksumOfLocalFileMatchesTheStandardDigest() {
        Path file = TestFiles.write(dir, "f.bin", CONTENT);

        assertThat(Downloader.checksum(file, "SHA-256")).isEqualTo(SHA256);
        assertThatThrownBy(() -> Downloader.checksum(dir.resolve("none"), "MD5"))
                .hasMessage(dir.resolve("none") + ": no such file");
    }
}
