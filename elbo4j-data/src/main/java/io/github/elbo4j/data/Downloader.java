package io.github.elbo4j.data;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Downloads a file with checksum verification. The bytes go to a temporary file beside the target,
 * are hashed on the way, and only a file with the expected checksum is moved into place (an atomic
 * rename), so an interrupted or corrupted download never leaves a plausible-looking target behind.
 * Supports {@code http}, {@code https} (via {@link HttpClient}, following redirects) and {@code
 * file} URIs.
 */
public final class Downloader {

    private static final Logger LOG = LoggerFactory.getLogger(Downloader.class);
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration REQUEST_TIMEOUT = Duration.ofMinutes(10);

    private Downloader() {}

    /**
     * Downloads {@code uri} to {@code target}, creating its folder if needed and replacing an
     * existing file.
     *
     * @param uri where to read from ({@code http}, {@code https} or {@code file})
     * @param target the file to create
     * @param checksumAlgorithm {@code MD5} or {@code SHA-256}
     * @param expectedHex the expected digest in hex (either case)
     * @return {@code target}
     * @throws DataException if the checksum does not match (nothing is left behind), naming the
     *     file, the expected and the actual checksum
     * @throws UncheckedIOException if the source cannot be read or the target written
     */
    public static Path download(URI uri, Path target, String checksumAlgorithm, String expectedHex) {
        Checksum expected = new Checksum(checksumAlgorithm, expectedHex);
        Path folder = target.toAbsolutePath().getParent();
        Path temp = null;
        try {
            Files.createDirectories(folder);
            temp = Files.createTempFile(folder, target.getFileName() + ".", ".part");
            LOG.info("downloading {} to {}", uri, target);
            MessageDigest digest = newDigest(expected.algorithm());
            try (InputStream in = open(uri);
                    OutputStream out = Files.newOutputStream(temp)) {
                byte[] buffer = new byte[1 << 16];
                int n;
                while ((n = in.read(buffer)) >= 0) {
                    digest.update(buffer, 0, n);
                    out.write(buffer, 0, n);
                }
            }
            String actual = HexFormat.of().formatHex(digest.digest());
            if (!expected.matches(actual)) {
                throw new DataException(
                        target,
                        null,
                        "checksum mismatch for " + uri + ": expected " + expected.algorithm() + " " + expected.hex()
                                + ", got " + actual);
            }
            moveIntoPlace(temp, target);
            temp = null;
            return target;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot download " + uri + " to " + target + ": " + describe(e), e);
        } finally {
            if (temp != null) {
                deleteQuietly(temp);
            }
        }
    }

    /**
     * The checksum of a local file.
     *
     * @param file the file
     * @param algorithm {@code MD5} or {@code SHA-256}
     * @return the digest as lowercase hex
     */
    public static String checksum(Path file, String algorithm) {
        MessageDigest digest = newDigest(Checksum.canonicalAlgorithm(algorithm));
        try (InputStream in = Files.newInputStream(file)) {
            byte[] buffer = new byte[1 << 16];
            int n;
            while ((n = in.read(buffer)) >= 0) {
                digest.update(buffer, 0, n);
            }
        } catch (NoSuchFileException e) {
            throw new DataException(file, null, "no such file");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    /** Moves a finished temporary file over the target, atomically where the file system can. */
    static void moveIntoPlace(Path temp, Path target) throws IOException {
        try {
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    static MessageDigest newDigest(String algorithm) {
        try {
            return MessageDigest.getInstance(Checksum.canonicalAlgorithm(algorithm));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform provides " + algorithm, e);
        }
    }

    static void deleteQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            LOG.warn("could not delete temporary file {}: {}", file, e.getMessage());
        }
    }

    private static InputStream open(URI uri) throws IOException {
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        switch (scheme) {
            case "file":
                return Files.newInputStream(Path.of(uri));
            case "http":
            case "https":
                return openHttp(uri);
            default:
                throw new IllegalArgumentException(
                        "cannot download " + uri + ": only http, https and file URIs are supported");
        }
    }

    private static InputStream openHttp(URI uri) throws IOException {
        HttpClient client = HttpClient.newBuilder()
                .connectTimeout(CONNECT_TIMEOUT)
                .followRedirects(HttpClient.Redirect.NORMAL)
                .build();
        HttpRequest request = HttpRequest.newBuilder(uri)
                .timeout(REQUEST_TIMEOUT)
                .header("User-Agent", "elbo4j")
                .GET()
                .build();
        HttpResponse<InputStream> response;
        try {
            response = client.send(request, HttpResponse.BodyHandlers.ofInputStream());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while connecting to " + uri);
        }
        if (response.statusCode() != 200) {
            response.body().close();
            throw new IOException("HTTP status " + response.statusCode());
        }
        return response.body();
    }

    private static String describe(IOException e) {
        if (e instanceof NoSuchFileException) {
            return "no such file " + e.getMessage();
        }
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }
}
