package io.github.elbo4j.vi.glm;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The posteriordb data of the project's shared folder ({@code shared/data/} beside the repository,
 * found by walking up from the working directory), read for tests: numeric CSV columns and
 * reference moments. Never committed; tests skip when it is absent.
 */
final class RegressionData {

    private RegressionData() {}

    /** {@code shared/data}, or null when no ancestor of the working directory has one. */
    static Path sharedData() {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path candidate = dir.resolve("shared/data");
            if (Files.isDirectory(candidate.resolve("posteriordb"))) {
                return candidate;
            }
        }
        return null;
    }

    /** The named numeric columns of a CSV file with a header row. */
    static Map<String, double[]> columns(Path csv, String... names) {
        try {
            List<String> lines = Files.readAllLines(csv);
            List<String> header = Arrays.asList(lines.get(0).split(","));
            Map<String, double[]> result = new LinkedHashMap<>();
            for (String name : names) {
                int column = header.indexOf(name);
                if (column < 0) {
                    throw new IllegalArgumentException(csv + ": no column " + name);
                }
                double[] values = new double[lines.size() - 1];
                for (int r = 1; r < lines.size(); r++) {
                    values[r - 1] = Double.parseDouble(lines.get(r).split(",")[column]);
                }
                result.put(name, values);
            }
            return result;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Reference moments, parameter → {mean, sd}. */
    static Map<String, double[]> referenceMoments(Path csv) {
        try {
            Map<String, double[]> result = new LinkedHashMap<>();
            List<String> lines = Files.readAllLines(csv);
            for (String line : lines.subList(1, lines.size())) {
                String[] parts = line.split(",");
                result.put(parts[0], new double[] {Double.parseDouble(parts[1]), Double.parseDouble(parts[2])});
            }
            return result;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Columns as rows {@code [n][p]}. */
    static double[][] rows(double[]... columns) {
        int n = columns[0].length;
        double[][] x = new double[n][columns.length];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < columns.length; j++) {
                x[i][j] = columns[j][i];
            }
        }
        return x;
    }
}
