package io.github.elbo4j.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Following a metrics file that a training run appends to, rewrites, or damages. */
class MetricsTailTest {

    @TempDir
    Path dir;

    private void append(Path file, String text) throws IOException {
        Files.writeString(file, text, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }

    @Test
    void aLineWrittenInPiecesArrivesOnceWhole() throws IOException {
        Path file = dir.resolve("metrics.jsonl");
        MetricsTail tail = new MetricsTail(file);
        assertThat(tail.poll().lines()).isEmpty();
        append(file, "{\"epoch\":1}\n{\"epo");
        assertThat(tail.poll()).isEqualTo(new MetricsTail.Chunk(false, java.util.List.of("{\"epoch\":1}")));
        assertThat(tail.poll().lines()).isEmpty();
        append(file, "ch\":2,\"name\":\"caf\u00e9");
        assertThat(tail.poll().lines()).isEmpty();
        append(file, "\"}\n");
        assertThat(tail.poll().lines()).containsExactly("{\"epoch\":2,\"name\":\"caf\u00e9\"}");
        assertThat(tail.poll().lines()).isEmpty();
    }

    @Test
    void theUnfinishedLineIsNotReadAgain() throws IOException {
        Path file = dir.resolve("metrics.jsonl");
        MetricsTail tail = new MetricsTail(file);
        append(file, "{\"epoch\":1}\n{\"epoch\":2");
        assertThat(tail.poll().lines()).containsExactly("{\"epoch\":1}");
        // The bytes already read change in place (same file, same length): a tail that re-read them
        // on every poll would now see epoch 9.
        try (RandomAccessFile raw = new RandomAccessFile(file.toFile(), "rw")) {
            raw.seek(raw.length() - 1);
            raw.write('9');
        }
        append(file, "}\n");
        assertThat(tail.poll().lines()).containsExactly("{\"epoch\":2}");
    }

    @Test
    void anOverlongLineIsSkippedAndTheNextLineRead() throws IOException {
        Path file = dir.resolve("metrics.jsonl");
        MetricsTail tail = new MetricsTail(file);
        byte[] junk = new byte[MetricsTail.MAX_LINE_BYTES / 3 + 1];
        java.util.Arrays.fill(junk, (byte) 'x');
        for (int i = 0; i < 4; i++) {
            Files.write(file, junk, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
            assertThat(tail.poll().lines()).isEmpty();
        }
        append(file, "\n{\"epoch\":3}\n");
        assertThat(tail.poll().lines()).containsExactly("{\"epoch\":3}");
    }

    @Test
    void aRewrittenFileStartsOver() throws IOException {
        Path file = dir.resolve("metrics.jsonl");
        MetricsTail tail = new MetricsTail(file);
        append(file, "{\"epoch\":1}\n{\"epoch\":2}\n{\"epo");
        assertThat(tail.poll().lines()).hasSize(2);
        // Truncated in place (shorter than what was read).
        Files.writeString(file, "{\"epoch\":1}\n");
        assertThat(tail.poll()).isEqualTo(new MetricsTail.Chunk(true, java.util.List.of("{\"epoch\":1}")));
        // Replaced by a rename, already longer than what was read.
        Path replacement = dir.resolve("metrics.jsonl.tmp");
        Files.writeString(replacement, "{\"epoch\":1}\n{\"epoch\":2,\"again\":true}\n{\"epoch\":3}\n");
        Files.move(replacement, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        MetricsTail.Chunk chunk = tail.poll();
        assertThat(chunk.reset()).isTrue();
        assertThat(chunk.lines()).containsExactly("{\"epoch\":1}", "{\"epoch\":2,\"again\":true}", "{\"epoch\":3}");
    }
}
