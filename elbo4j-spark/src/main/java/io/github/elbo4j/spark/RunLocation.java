package io.github.elbo4j.spark;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;

/**
 * Where the driver keeps a training run directory: a local folder, or a folder on any Hadoop
 * filesystem ({@code hdfs://}, {@code s3a://}, {@code file://}, …) given as a URI.
 *
 * <p>The run directory code ({@link io.github.elbo4j.vae.run.RunDirectory}) writes local files, so a
 * URI is served by a local staging folder: {@link #open} copies what the URI already holds into
 * it (for {@code resume}), and {@link #publish} copies every file that changed since the last call
 * back through Hadoop's {@link FileSystem} API, each to a temporary name renamed over the old
 * file, so a reader sees the previous checkpoint or the new one, never a half-written file. A plain
 * path (no scheme) is used as it is.
 */
final class RunLocation implements AutoCloseable {

    private final String uri;
    private final Path local;
    private final FileSystem fs;
    private final org.apache.hadoop.fs.Path remote;
    private final Map<Path, List<Object>> published = new HashMap<>();

    private RunLocation(String uri, Path local, FileSystem fs, org.apache.hadoop.fs.Path remote) {
        this.uri = uri;
        this.local = local;
        this.fs = fs;
        this.remote = remote;
    }

    /** The location {@code location}: a local path, or a URI staged locally (its content copied in). */
    static RunLocation open(String location, Configuration hadoop) {
        URI parsed;
        try {
            parsed = new URI(location);
        } catch (URISyntaxException e) {
            parsed = null;
        }
        boolean isUri = parsed != null
                && parsed.getScheme() != null
                && parsed.getScheme().length() > 1;
        if (!isUri) {
            return new RunLocation(location, Path.of(location), null, null);
        }
        try {
            org.apache.hadoop.fs.Path remote = new org.apache.hadoop.fs.Path(parsed);
            FileSystem fs = remote.getFileSystem(hadoop);
            Path staging = Files.createDirectories(
                    Files.createTempDirectory("elbo4j-run").resolve("run"));
            if (fs.exists(remote)) {
                for (var status : fs.listStatus(remote)) {
                    fs.copyToLocalFile(false, status.getPath(), new org.apache.hadoop.fs.Path(staging.toUri()), true);
                }
            }
            RunLocation run = new RunLocation(location, staging, fs, remote);
            // Nothing the remote folder already holds needs copying back.
            run.changedFiles();
            return run;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open the run directory " + location + ": " + e.getMessage(), e);
        }
    }

    /** The local folder the run directory code reads and writes. */
    Path local() {
        return local;
    }

    /** Copies the files that changed since the last call to the URI (nothing for a local path). */
    void publish() {
        if (fs == null) {
            return;
        }
        try {
            for (Path file : changedFiles()) {
                org.apache.hadoop.fs.Path target = new org.apache.hadoop.fs.Path(
                        remote, local.relativize(file).toString().replace(java.io.File.separatorChar, '/'));
                org.apache.hadoop.fs.Path partial = target.suffix(".partial");
                fs.copyFromLocalFile(false, true, new org.apache.hadoop.fs.Path(file.toUri()), partial);
                if (fs.exists(target) && !fs.delete(target, false)) {
                    throw new IOException("cannot replace " + target);
                }
                if (!fs.rename(partial, target)) {
                    throw new IOException("cannot rename " + partial + " to " + target);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the run directory " + uri + ": " + e.getMessage(), e);
        }
    }

    /**
     * Local files whose size, modification time or file key changed since the last call (files are
     * replaced by renames, which give them a new key).
     */
    private List<Path> changedFiles() throws IOException {
        try (Stream<Path> files = Files.walk(local)) {
            List<Path> changed = files.filter(Files::isRegularFile)
                    .filter(f -> !f.getFileName().toString().endsWith(".crc"))
                    .sorted()
                    .toList();
            List<Path> result = new java.util.ArrayList<>();
            for (Path f : changed) {
                var attributes = Files.readAttributes(f, java.nio.file.attribute.BasicFileAttributes.class);
                List<Object> stamp = java.util.Arrays.asList(
                        attributes.size(), attributes.lastModifiedTime().toMillis(), attributes.fileKey());
                if (!stamp.equals(published.put(f, stamp))) {
                    result.add(f);
                }
            }
            return result;
        }
    }

    /** Deletes the staging folder of a URI (a local path is left as it is). */
    @Override
    public void close() {
        if (fs == null) {
            return;
        }
        try (Stream<Path> files = Files.walk(local.getParent())) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // a temporary folder; the operating system cleans up what is left
        }
    }

    @Override
    public String toString() {
        return uri;
    }
}
