package io.github.elbo4j.web;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;

/**
 * Follows a growing {@code metrics.jsonl}: each {@link #poll} returns the complete lines appended
 * since the previous one. Every byte is read once: the tail keeps the bytes of a line still being
 * written (no newline yet) and completes it from the bytes appended later. A line longer than
 * {@link #MAX_LINE_BYTES} is damage, not a metrics row, and is skipped without being held in memory.
 * A file that shrinks or is replaced was rewritten (a resumed run truncates its metrics): the tail
 * then starts over and says so, so that the page can drop what it showed. Not thread-safe.
 */
public final class MetricsTail {

    /** Longest line returned; a metrics row is a few hundred bytes. */
    public static final int MAX_LINE_BYTES = 1 << 20;

    /**
     * New lines and whether the file was rewritten before them.
     *
     * @param reset true when the lines replace everything read before
     * @param lines complete lines, oldest first, without their newline
     */
    public record Chunk(boolean reset, List<String> lines) {}

    private final Path file;
    /** Bytes of the file read so far. */
    private long position;

    private Object fileKey;
    /** The bytes after the last newline read: the start of a line still being written. */
    private final ByteArrayOutputStream partial = new ByteArrayOutputStream();
    /** True inside a line longer than {@link #MAX_LINE_BYTES}, until its newline. */
    private boolean skipping;

    /** A tail positioned at the start of {@code file} (which need not exist yet). */
    public MetricsTail(Path file) {
        this.file = file;
    }

    /** The complete lines appended since the last poll (none when the file is absent). */
    public Chunk poll() throws IOException {
        if (!Files.isRegularFile(file)) {
            return new Chunk(false, List.of());
        }
        // A rename over the file (an atomic rewrite) shows as a new file key even when the new
        // file has already grown past the old position.
        Object key = Files.readAttributes(file, BasicFileAttributes.class).fileKey();
        boolean reset = fileKey != null && key != null && !key.equals(fileKey) && position > 0;
        fileKey = key;
        try (FileChannel in = FileChannel.open(file, StandardOpenOption.READ)) {
            long length = in.size();
            if (reset || length < position) {
                reset = true;
                position = 0;
                partial.reset();
                skipping = false;
            }
            List<String> lines = new ArrayList<>();
            ByteBuffer buffer = ByteBuffer.allocate((int) Math.min(1 << 16, Math.max(1, length - position)));
            while (position < length) {
                buffer.clear().limit((int) Math.min(buffer.capacity(), length - position));
                int read = in.read(buffer, position);
                if (read <= 0) {
                    break; // truncated while reading: the next poll sees the shorter file
                }
                position += read;
                split(buffer.array(), read, lines);
            }
            return new Chunk(reset, lines);
        }
    }

    /** Adds the lines that {@code bytes[0, count)} completes to {@code lines}; keeps the rest. */
    private void split(byte[] bytes, int count, List<String> lines) {
        int start = 0;
        for (int i = 0; i < count; i++) {
            if (bytes[i] == '\n') {
                keep(bytes, start, i - start);
                if (!skipping) {
                    String line = partial.toString(StandardCharsets.UTF_8);
                    if (!line.isBlank()) {
                        lines.add(line.strip());
                    }
                }
                partial.reset();
                skipping = false;
                start = i + 1;
            }
        }
        keep(bytes, start, count - start);
    }

    private void keep(byte[] bytes, int offset, int length) {
        if (skipping) {
            return;
        }
        if (partial.size() + length > MAX_LINE_BYTES) {
            partial.reset();
            skipping = true;
        } else {
            partial.write(bytes, offset, length);
        }
    }
}
