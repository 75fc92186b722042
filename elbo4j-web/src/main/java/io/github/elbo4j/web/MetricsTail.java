package io.github.elbo4j.web;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;

/**
 * Follows a growing {@code metrics.jsonl}: each {@link #poll} returns the complete lines appended
 * since the previous one. A line still being written (no newline yet) waits for the next poll. A
 * file that shrinks was rewritten (a resumed run truncates its metrics): the tail then starts over
 * and says so, so that the page can drop what it showed. Not thread-safe.
 */
public final class MetricsTail {

    /**
     * New lines and whether the file was rewritten before them.
     *
     * @param reset true when the lines replace everything read before
     * @param lines complete lines, oldest first, without their newline
     */
    public record Chunk(boolean reset, List<String> lines) {}

    private final Path file;
    private long offset;
    private Object fileKey;

    /** A tail positioned at the start of {@code file} (which need not exist yet). */
    public MetricsTail(Path file) {
        this.file = file;
    }

    /** The complete lines appended since the last poll (none when the file is absent). */
    public Chunk poll() throws IOException {
        if (!Files.isRegularFile(file)) {
            return new Chunk(false, List.of());
        }
        boolean reset = false;
        // A rename over the file (an atomic rewrite) shows as a new file key even when the new
        // file has already grown past the old offset.
        Object key = Files.readAttributes(file, BasicFileAttributes.class).fileKey();
        if (fileKey != null && key != null && !key.equals(fileKey) && offset > 0) {
            offset = 0;
            reset = true;
        }
        fileKey = key;
        try (RandomAccessFile in = new RandomAccessFile(file.toFile(), "r")) {
            long length = in.length();
            if (length < offset && !reset) {
                offset = 0;
                reset = true;
            }
            if (length == offset) {
                return new Chunk(reset, List.of());
            }
            byte[] bytes = new byte[(int) Math.min(Integer.MAX_VALUE - 8, length - offset)];
            in.seek(offset);
            in.readFully(bytes);
            int lastNewline = -1;
            for (int i = bytes.length - 1; i >= 0; i--) {
                if (bytes[i] == '\n') {
                    lastNewline = i;
                    break;
                }
            }
            if (lastNewline < 0) {
                return new Chunk(reset, List.of());
            }
            offset += lastNewline + 1;
            List<String> lines = new ArrayList<>();
            for (String line : new String(bytes, 0, lastNewline, StandardCharsets.UTF_8).split("\n", -1)) {
                if (!line.isBlank()) {
                    lines.add(line.strip());
                }
            }
            return new Chunk(reset, lines);
        }
    }
}
