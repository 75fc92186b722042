package io.github.elbo4j.bench.posteriordb;

import io.github.elbo4j.data.CsvReader;
import io.github.elbo4j.data.Table;
import io.github.elbo4j.vi.data.StanData;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * One posterior of the posteriordb set ({@code shared/data/posteriordb-set/NAME/}): its data
 * ({@code data.json}) and its reference moments ({@code reference-moments.csv}, from long NUTS
 * runs), with Stan's parameter names ({@code beta[1]}).
 *
 * @param name the posterior's posteriordb name, such as {@code eight_schools-eight_schools_noncentered}
 * @param folder its folder
 * @param data its data
 * @param reference the reference mean and sd of each parameter, in the file's order
 */
public record Posterior(String name, Path folder, StanData data, Map<String, Moments> reference) {

    /** Where the set lives, relative to a folder that holds {@code shared/data}. */
    static final Path SET = Path.of("shared", "data", "posteriordb-set");

    /**
     * Loads a posterior's folder.
     *
     * @param folder a folder holding {@code data.json} and {@code reference-moments.csv}
     * @return the posterior
     * @throws IOException if a file cannot be read
     */
    public static Posterior load(Path folder) throws IOException {
        Table table = CsvReader.readTable(folder.resolve("reference-moments.csv"));
        int parameter = table.column("parameter");
        int mean = table.column("mean");
        int sd = table.column("sd");
        Map<String, Moments> reference = new LinkedHashMap<>();
        for (int row = 0; row < table.rowCount(); row++) {
            reference.put(table.cell(row, parameter), new Moments(table.decimal(row, mean), table.decimal(row, sd)));
        }
        return new Posterior(
                folder.getFileName().toString(),
                folder,
                StanData.read(folder.resolve("data.json")),
                Collections.unmodifiableMap(reference));
    }

    /**
     * Finds the set: {@code shared/data/posteriordb-set} in the working directory or a folder above
     * it, where the project keeps its test data beside the repository.
     *
     * @return the set's folder, or empty where this machine has none
     */
    public static Optional<Path> locateSet() {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.isDirectory(dir.resolve(SET))) {
                return Optional.of(dir.resolve(SET));
            }
        }
        return Optional.empty();
    }

    /**
     * Loads one posterior of the set by name.
     *
     * @param set the set's folder
     * @param name the posterior's name
     * @return the posterior
     * @throws IOException if its files cannot be read
     */
    public static Posterior load(Path set, String name) throws IOException {
        Path folder = set.resolve(name);
        if (!Files.isDirectory(folder)) {
            throw new IllegalArgumentException(set + ": no posterior named '" + name + "'");
        }
        return load(folder);
    }

    /**
     * Lists the set's posteriors (its folders holding a {@code model.stan}), sorted by name.
     *
     * @param set the set's folder
     * @return their names
     * @throws IOException if the folder cannot be listed
     */
    public static List<String> names(Path set) throws IOException {
        try (Stream<Path> folders = Files.list(set)) {
            return folders.filter(folder -> Files.isRegularFile(folder.resolve("model.stan")))
                    .map(folder -> folder.getFileName().toString())
                    .sorted()
                    .toList();
        }
    }
}
