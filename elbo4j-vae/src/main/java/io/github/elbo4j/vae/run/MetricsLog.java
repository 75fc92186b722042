package io.github.elbo4j.vae.run;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.elbo4j.data.DataException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The rows of a run's {@code metrics.jsonl}, read under the one policy that {@code train --resume},
 * {@code report} and the dashboard share:
 *
 * <ul>
 *   <li>a last line without its newline is the row of a writer killed while appending: it is
 *       dropped, with a {@link #notice()} (the dashboard's tail never reads such a line either);
 *   <li>any other line that is not a JSON object with an integer {@code epoch} is an error naming
 *       the line;
 *   <li>an epoch that does not follow the one before (a duplicate or out of order) is an error
 *       naming the line: such a file was written by two writers at once or edited, and no reader
 *       can tell which rows are right.
 * </ul>
 *
 * @param file the file read
 * @param rows its rows, oldest first
 * @param notice what was dropped, for the user, or null when nothing was
 */
public record MetricsLog(Path file, List<JsonNode> rows, String notice) {

    private static final ObjectMapper JSON_LINES = new ObjectMapper();

    /** Reads {@code file} (an absent file has no rows). */
    public static MetricsLog read(Path file) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            return new MetricsLog(file, List.of(), null);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
        }
        String[] lines = text.split("\n", -1);
        // The element after the last newline is "" for a complete file, else the torn row.
        String torn = lines[lines.length - 1];
        String notice = torn.isBlank()
                ? null
                : file + ": line " + lines.length + " is incomplete (a writer was stopped while appending it); ignored";
        List<JsonNode> rows = new ArrayList<>();
        int previous = Integer.MIN_VALUE;
        for (int i = 0; i < lines.length - 1; i++) {
            if (lines[i].isBlank()) {
                continue;
            }
            String record = "line " + (i + 1);
            JsonNode row;
            try {
                row = JSON_LINES.readTree(lines[i]);
            } catch (JsonProcessingException e) {
                throw new DataException(file, record, "not valid JSON");
            }
            if (row == null
                    || !row.isObject()
                    || !row.path("epoch").canConvertToInt()
                    || !row.path("epoch").isIntegralNumber()) {
                throw new DataException(file, record, "not a metrics row (a JSON object with an integer epoch)");
            }
            int epoch = row.path("epoch").asInt();
            if (epoch <= previous) {
                throw new DataException(
                        file,
                        record,
                        "epoch " + epoch + (epoch == previous ? " is a duplicate" : " is out of order")
                                + " (it follows epoch " + previous
                                + "); the file was written by two writers or edited");
            }
            previous = epoch;
            rows.add(row);
        }
        return new MetricsLog(file, List.copyOf(rows), notice);
    }

    /** The epoch of the last row, or 0 when there is none. */
    public int lastEpoch() {
        return rows.isEmpty() ? 0 : rows.get(rows.size() - 1).path("epoch").asInt();
    }
}
