package io.github.elbo4j.data;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The train, validation and test parts of a mixed-type CSV dataset as text tables, before a
 * {@link TabularSchema} encodes them: a single {@code .csv} file (training rows only) or a folder of
 * {@code train*.csv}, {@code valid*.csv} and {@code test*.csv} files, like {@link DataSource}'s
 * folders.
 *
 * @param train the training rows
 * @param valid the validation rows, or {@code null}
 * @param test the test rows, or {@code null}
 */
public record TableSplits(Table train, Table valid, Table test) {

    /** Requires the training part. */
    public TableSplits {
        Objects.requireNonNull(train, "train");
    }

    /**
     * Reads a CSV file or a folder of split CSV files.
     *
     * @param path the file or folder
     * @return the tables
     * @throws DataException if it is neither, or a file is malformed
     */
    public static TableSplits load(Path path) {
        InputLimits.requireRegularFile(path);
        if (Files.isRegularFile(path)) {
            if (!path.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".csv")) {
                throw new DataException(
                        path,
                        null,
                        "a tabular dataset must be a .csv file or a folder of train/valid/test" + " .csv files");
            }
            return new TableSplits(CsvReader.readTable(path), null, null);
        }
        if (!Files.isDirectory(path)) {
            throw new DataException(
                    path,
                    null,
                    "no such file or folder; a table is a .csv file or a folder of" + " train/valid/test .csv files");
        }
        Map<Split, Path> files = new EnumMap<>(Split.class);
        List<Path> listing;
        try (Stream<Path> entries = Files.list(path)) {
            listing = entries.filter(Files::isRegularFile).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + path + ": " + e.getMessage(), e);
        }
        for (Path file : listing) {
            String name = file.getFileName().toString();
            Optional<Split> split = Split.ofName(name);
            if (split.isEmpty() || !name.toLowerCase(Locale.ROOT).endsWith(".csv")) {
                continue;
            }
            Path previous = files.putIfAbsent(split.get(), file);
            if (previous != null) {
                throw new DataException(
                        path,
                        null,
                        "several " + split.get().label() + " files (" + previous.getFileName() + ", " + name
                                + "): keep one per split");
            }
        }
        if (!files.containsKey(Split.TRAIN)) {
            throw new DataException(path, null, "no training table: expected a file train*.csv");
        }
        return new TableSplits(
                CsvReader.readTable(files.get(Split.TRAIN)),
                files.containsKey(Split.VALID) ? CsvReader.readTable(files.get(Split.VALID)) : null,
                files.containsKey(Split.TEST) ? CsvReader.readTable(files.get(Split.TEST)) : null);
    }

    /**
     * Encodes every part with {@code schema}.
     *
     * @param schema the schema fitted on the training part
     * @return the encoded splits
     */
    public DatasetSplits encode(TabularSchema schema) {
        return new DatasetSplits(
                schema.encode(train),
                valid == null ? null : schema.encode(valid),
                test == null ? null : schema.encode(test));
    }
}
