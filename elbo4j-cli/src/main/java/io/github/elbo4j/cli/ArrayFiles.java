package io.github.elbo4j.cli;

import io.github.elbo4j.io.AtomicFiles;
import io.github.elbo4j.vae.model.Tensor;
import io.github.elbo4j.vae.run.NpzWriter;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Writes the row-major float arrays the workflow commands produce as CSV, NPY or NPZ, atomically. */
final class ArrayFiles {

    private ArrayFiles() {}

    /** The file's format from its extension, checked against {@code allowed} before any work is done. */
    static String format(Path file, String option, String... allowed) {
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        for (String extension : allowed) {
            if (name.endsWith("." + extension)) {
                CommonOptions.checkOutputFile(file);
                return extension;
            }
        }
        throw new IllegalArgumentException(option + " " + file + ": the file name must end in ."
                + String.join(", .", allowed) + " (the format follows the extension)");
    }

    /** A CSV with a header row: columns {@code header}, one row per {@code rows} entry. */
    static void writeCsv(Path file, List<String> header, List<double[]> rows) {
        StringBuilder csv = new StringBuilder(String.join(",", header)).append('\n');
        for (double[] row : rows) {
            for (int j = 0; j < row.length; j++) {
                if (j > 0) {
                    csv.append(',');
                }
                double v = row[j];
                // Integral columns (index, flags) print without a decimal point.
                csv.append(v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v) : Double.toString(v));
            }
            csv.append('\n');
        }
        AtomicFiles.writeString(file, csv.toString());
    }

    /** A CSV of text cells with a header row; cells holding a comma, quote or line break are quoted. */
    static void writeTextCsv(Path file, List<String> header, List<String[]> rows) {
        StringBuilder csv = new StringBuilder();
        appendTextRow(csv, header.toArray(String[]::new));
        for (String[] row : rows) {
            appendTextRow(csv, row);
        }
        AtomicFiles.writeString(file, csv.toString());
    }

    private static void appendTextRow(StringBuilder csv, String[] cells) {
        for (int j = 0; j < cells.length; j++) {
            if (j > 0) {
                csv.append(',');
            }
            String cell = cells[j];
            boolean quote = cell.indexOf(',') >= 0
                    || cell.indexOf('"') >= 0
                    || cell.indexOf('\n') >= 0
                    || cell.indexOf('\r') >= 0
                    || !cell.equals(cell.strip());
            csv.append(quote ? '"' + cell.replace("\"", "\"\"") + '"' : cell);
        }
        csv.append('\n');
    }

    /** A single-array {@code .npy} file (float32, C order). */
    static void writeNpy(Path file, long[] shape, float[] values) {
        AtomicFiles.write(file, NpzWriter.npy(new Tensor(shape, values)));
    }

    /** An {@code .npz} archive of named float32 arrays and the int64 vector {@code index}. */
    static void writeNpz(Path file, Map<String, Tensor> arrays, int[] index) {
        Map<String, byte[]> files = new LinkedHashMap<>();
        arrays.forEach((name, tensor) -> files.put(name, NpzWriter.npy(tensor)));
        files.put("index", NpzWriter.npy(Arrays.stream(index).asLongStream().toArray()));
        AtomicFiles.write(file, NpzWriter.archive(files));
    }

    /**
     * Rejects an {@code .npy} --out for records that are not the whole split in order: it holds one
     * array, and would lose which records its rows are.
     */
    static void requireWholeSplit(Path file, int[] indices) {
        for (int i = 0; i < indices.length; i++) {
            if (indices[i] != i) {
                throw new IllegalArgumentException("--out " + file + ": an .npy holds one array and would lose which"
                        + " records these are (a random subset); write .npz (with an index array) or .csv");
            }
        }
    }
}
