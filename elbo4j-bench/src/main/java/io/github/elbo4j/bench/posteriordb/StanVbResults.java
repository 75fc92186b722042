package io.github.elbo4j.bench.posteriordb;

import io.github.elbo4j.data.CsvReader;
import io.github.elbo4j.data.Table;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;

/**
 * Stan's ADVI on the posteriordb set, as {@code scripts/posteriordb-vs-stan.R} wrote it: {@code
 * stan-vb.csv}, one row per parameter of each {@code vb()} fit (a failed fit is one row with its
 * status; a run's rows are consecutive), and {@code stan-compile.csv}, each Stan program's compile
 * time.
 */
public final class StanVbResults {

    /**
     * One {@code vb()} run.
     *
     * @param posterior the posterior
     * @param method {@code stan-meanfield} or {@code stan-fullrank}
     * @param seed its seed
     * @param seconds the wall time of the {@code vb()} call, compilation excluded
     * @param paretoK Stan's k̂ (NaN where it computed none)
     * @param status {@code ok}, or {@code error: ...} with Stan's message
     * @param moments the fitted moments by parameter (empty for a failed run)
     */
    public record Fit(
            String posterior,
            String method,
            int seed,
            double seconds,
            double paretoK,
            String status,
            Map<String, Moments> moments) {

        /** @return whether {@code vb()} returned draws */
        public boolean succeeded() {
            return status.equals("ok");
        }
    }

    private final Map<String, List<Fit>> fits;
    private final Map<String, Double> compileSeconds;

    private StanVbResults(Map<String, List<Fit>> fits, Map<String, Double> compileSeconds) {
        this.fits = fits;
        this.compileSeconds = compileSeconds;
    }

    /**
     * Reads the two files.
     *
     * @param folder the script's output folder
     * @return the runs
     */
    public static StanVbResults read(Path folder) {
        Table table = CsvReader.readTable(folder.resolve("stan-vb.csv"));
        Map<String, List<Fit>> fits = new HashMap<>();
        Fit fit = null;
        for (int row = 0; row < table.rowCount(); row++) {
            String posterior = text(table, row, "posterior");
            String method = text(table, row, "method");
            int seed = (int) table.decimal(row, table.column("seed"));
            if (fit == null
                    || !fit.posterior().equals(posterior)
                    || !fit.method().equals(method)
                    || fit.seed() != seed) {
                fit = new Fit(
                        posterior,
                        method,
                        seed,
                        table.decimal(row, table.column("seconds")),
                        number(table, row, "pareto_k"),
                        text(table, row, "status"),
                        new LinkedHashMap<>());
                fits.computeIfAbsent(posterior + " " + method, key -> new ArrayList<>())
                        .add(fit);
            }
            if (!text(table, row, "parameter").isEmpty()) {
                fit.moments()
                        .put(
                                text(table, row, "parameter"),
                                new Moments(number(table, row, "mean"), number(table, row, "sd")));
            }
        }
        Table compile = CsvReader.readTable(folder.resolve("stan-compile.csv"));
        Map<String, Double> compileSeconds = new HashMap<>();
        for (int row = 0; row < compile.rowCount(); row++) {
            double seconds = number(compile, row, "compile_seconds");
            if (!Double.isNaN(seconds)) {
                compileSeconds.put(text(compile, row, "posterior"), seconds);
            }
        }
        return new StanVbResults(fits, compileSeconds);
    }

    /**
     * @param posterior a posterior
     * @param method {@code stan-meanfield} or {@code stan-fullrank}
     * @return its runs, one per seed (empty where the script did not run it)
     */
    public List<Fit> fits(String posterior, String method) {
        return fits.getOrDefault(posterior + " " + method, List.of());
    }

    /**
     * @param posterior a posterior
     * @return the compile time of its Stan program, if it compiled
     */
    public OptionalDouble compileSeconds(String posterior) {
        Double seconds = compileSeconds.get(posterior);
        return seconds == null ? OptionalDouble.empty() : OptionalDouble.of(seconds);
    }

    private static String text(Table table, int row, String column) {
        return table.cell(row, table.column(column)).trim();
    }

    /** A number as R writes it: {@code Inf}, {@code -Inf} and {@code NaN} too; NA or empty is NaN. */
    private static double number(Table table, int row, String column) {
        return switch (text(table, row, column)) {
            case "", "NA", "NaN" -> Double.NaN;
            case "Inf" -> Double.POSITIVE_INFINITY;
            case "-Inf" -> Double.NEGATIVE_INFINITY;
            default -> table.decimal(row, table.column(column));
        };
    }
}
