package io.github.elbo4j.vi;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.core.json.JsonWriteFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.elbo4j.elbo.LogEvidenceEstimate;
import io.github.elbo4j.io.AtomicFiles;
import io.github.elbo4j.vi.diagnostics.CovarianceComparison;
import io.github.elbo4j.vi.diagnostics.Reliability;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Saves a {@link VariationalPosterior} to a folder and loads it back: {@value #FIT} holds the
 * configuration, the blocks, q, the diagnostics, the importance weights of the draws, the verdict
 * and the provenance (every field present; the parts a fit may lack, {@code importanceWeights},
 * {@code laplaceComparison} and {@code linearResponse}, are {@code null} then; non-finite numbers
 * are written {@code NaN} and {@code Infinity}); {@value #DRAWS} (and, when present, {@value
 * #RESAMPLED} and {@value #LINEAR_RESPONSE}) the draws on the constrained scale, one row per draw
 * and one column per scalar, named as in the summary table.
 * Saving never overwrites: it refuses a folder that already holds a fit, and writes each file under
 * a temporary name first.
 */
final class FitFiles {

    static final String FIT = "fit.json";
    static final String DRAWS = "draws.csv";
    static final String RESAMPLED = "resampled-draws.csv";
    static final String LINEAR_RESPONSE = "linear-response-draws.csv";
    private static final String FORMAT = "elbo4j-vi-fit";
    /** 2 added {@code importanceWeights}. */
    private static final int VERSION = 2;
    /** Strict reading (a missing field or a null number is an error), NaN and infinities as JSON tokens. */
    private static final JsonMapper JSON = JsonMapper.builder()
            .enable(SerializationFeature.INDENT_OUTPUT)
            .disable(JsonWriteFeature.WRITE_NAN_AS_STRINGS)
            .enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
            .enable(
                    DeserializationFeature.FAIL_ON_MISSING_CREATOR_PROPERTIES,
                    DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .build();

    private static final Pattern MISSING = Pattern.compile("Missing (?:required )?creator property '([^']*)'");

    /** The content of {@value #FIT}. */
    private record FitFile(
            String format,
            int version,
            ViConfig config,
            List<BlockFile> blocks,
            GaussianFile gaussian,
            double elbo,
            double elboStandardError,
            double khat,
            double[] importanceWeights,
            LogEvidenceEstimate logEvidence,
            List<double[]> trace,
            VariationalPosterior.Provenance provenance,
            Reliability reliability,
            CovarianceComparison laplaceComparison,
            GaussianFile linearResponse) {}

    /** A block; the constraint is {@code {"type": ..., "lower": ..., "upper": ...}} with the bounds it has. */
    private record BlockFile(String name, int[] shape, JsonNode constraint) {}

    private record GaussianFile(double[] mean, double[][] scaleTril) {

        static GaussianFile of(FittedGaussian q) {
            return new GaussianFile(q.mean(), q.scaleTril());
        }

        FittedGaussian toGaussian() {
            return new FittedGaussian(mean, scaleTril);
        }
    }

    private FitFiles() {}

    static void save(VariationalPosterior fit, Path directory) {
        try {
            Files.createDirectories(directory);
            for (String name : List.of(FIT, DRAWS, RESAMPLED, LINEAR_RESPONSE)) {
                if (Files.exists(directory.resolve(name))) {
                    throw new IllegalArgumentException(
                            directory.resolve(name) + " already exists; save the fit to" + " an empty folder");
                }
            }
            List<BlockFile> blocks = new ArrayList<>();
            for (ParameterBlock block : fit.blocks()) {
                blocks.add(new BlockFile(block.name(), block.shape(), constraint(block)));
            }
            String json = JSON.writeValueAsString(new FitFile(
                    FORMAT,
                    VERSION,
                    fit.config(),
                    blocks,
                    GaussianFile.of(fit.gaussian()),
                    fit.elbo(),
                    fit.elboStandardError(),
                    fit.khat(),
                    fit.importanceWeights().orElse(null),
                    fit.logEvidence(),
                    fit.trace().stream()
                            .map(p -> new double[] {p.iteration(), p.elbo(), p.learningRate()})
                            .toList(),
                    fit.provenance(),
                    fit.reliability(),
                    fit.laplaceComparison().orElse(null),
                    fit.linearResponse().map(GaussianFile::of).orElse(null)));
            AtomicFiles.writeString(directory.resolve(DRAWS), csv(fit.blocks(), fit::draws));
            if (fit.resampledDraws(fit.blocks().get(0).name()).isPresent()) {
                AtomicFiles.writeString(
                        directory.resolve(RESAMPLED),
                        csv(fit.blocks(), b -> fit.resampledDraws(b).orElseThrow()));
            }
            if (fit.linearResponse().isPresent()) {
                AtomicFiles.writeString(
                        directory.resolve(LINEAR_RESPONSE),
                        csv(fit.blocks(), b -> fit.linearResponseDraws(b).orElseThrow()));
            }
            AtomicFiles.writeString(directory.resolve(FIT), json);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot save the fit to " + directory + ": " + e.getMessage(), e);
        }
    }

    static VariationalPosterior load(Path directory) {
        Path file = directory.resolve(FIT);
        FitFile in;
        try {
            in = JSON.readValue(Files.readString(file), FitFile.class);
        } catch (JacksonException e) {
            throw new IllegalArgumentException(file + ": " + describe(e), e);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
        }
        if (!FORMAT.equals(in.format()) || in.version() != VERSION) {
            throw new IllegalArgumentException(file + " is not an elbo4j fit of format version " + VERSION);
        }
        List<ParameterBlock> blocks = new ArrayList<>();
        for (BlockFile block : in.blocks()) {
            blocks.add(new ParameterBlock(block.name(), block.shape(), constraint(file, block)));
        }
        List<TracePoint> trace = new ArrayList<>();
        for (double[] point : in.trace()) {
            if (point.length != 3) {
                throw new IllegalArgumentException(file + ": field 'trace' holds a point of " + point.length
                        + " values, expected 3 (iteration, ELBO, learning rate)");
            }
            trace.add(new TracePoint((int) point[0], point[1], point[2]));
        }
        FittedGaussian response =
                in.linearResponse() == null ? null : in.linearResponse().toGaussian();
        Map<String, double[][]> draws = readCsv(directory.resolve(DRAWS), blocks);
        Map<String, double[][]> resampled =
                Files.exists(directory.resolve(RESAMPLED)) ? readCsv(directory.resolve(RESAMPLED), blocks) : null;
        Map<String, double[][]> responseDraws =
                response == null ? null : readCsv(directory.resolve(LINEAR_RESPONSE), blocks);
        double[] weights = in.importanceWeights();
        int count = draws.values().iterator().next().length;
        if (weights != null && weights.length != count) {
            throw new IllegalArgumentException(
                    file + ": field 'importanceWeights' holds " + weights.length + " weights for " + count + " draws");
        }
        return new VariationalPosterior(
                in.config(),
                blocks,
                in.gaussian().toGaussian(),
                draws,
                resampled,
                weights,
                in.elbo(),
                in.elboStandardError(),
                in.logEvidence(),
                in.khat(),
                trace,
                in.provenance(),
                new VariationalPosterior.Checks(in.reliability(), in.laplaceComparison(), response, responseDraws));
    }

    /** Jackson's complaint as "field 'x' is missing" or "field 'a.b': problem". */
    private static String describe(JacksonException e) {
        String path = e instanceof JsonMappingException mapping
                ? mapping.getPath().stream()
                        .map(r -> r.getFieldName() != null ? r.getFieldName() : "[" + r.getIndex() + "]")
                        .collect(Collectors.joining("."))
                        .replace(".[", "[")
                : "";
        String problem = e.getOriginalMessage();
        Matcher missing = MISSING.matcher(problem);
        if (missing.find()) {
            // Jackson's path may or may not end with the missing property.
            String field = path.equals(missing.group(1)) || path.endsWith("." + missing.group(1))
                    ? path
                    : (path.isEmpty() ? "" : path + ".") + missing.group(1);
            return "field '" + field + "' is missing";
        }
        Throwable cause = e.getCause();
        if (cause instanceof IllegalArgumentException invalid) {
            problem = invalid.getMessage();
        }
        return path.isEmpty() ? problem : "field '" + path + "': " + problem;
    }

    private static ObjectNode constraint(ParameterBlock block) {
        ObjectNode result = JSON.createObjectNode();
        Constraint c = block.constraint();
        if (c instanceof Constraint.LowerBounded lower) {
            result.put("type", "lower").put("lower", lower.lower());
        } else if (c instanceof Constraint.UpperBounded upper) {
            result.put("type", "upper").put("upper", upper.upper());
        } else if (c instanceof Constraint.Interval interval) {
            result.put("type", "interval").put("lower", interval.lower()).put("upper", interval.upper());
        } else if (c instanceof Constraint.VaryingBounds varying) {
            // Bounds that are functions of other parameters: the model recomputes them; only which exist is saved.
            result.put("type", "varying").put("lower", varying.lower()).put("upper", varying.upper());
        } else if (c.equals(Constraint.real())
                || c.equals(Constraint.simplex())
                || c.equals(Constraint.ordered())
                || c.equals(Constraint.positiveOrdered())
                || c.equals(Constraint.choleskyFactorCorr())) {
            result.put("type", c.toString());
        } else {
            throw new IllegalArgumentException(
                    "cannot save block '" + block.name() + "': its constraint " + c + " has no saved form");
        }
        return result;
    }

    private static Constraint constraint(Path file, BlockFile block) {
        JsonNode c = block.constraint();
        String type = c == null ? null : c.path("type").asText(null);
        if (type == null) {
            throw new IllegalArgumentException(file + ": block '" + block.name() + "' has no constraint type");
        }
        return switch (type) {
            case "real" -> Constraint.real();
            case "lower" -> Constraint.lowerBounded(bound(file, block, "lower"));
            case "upper" -> Constraint.upperBounded(bound(file, block, "upper"));
            case "interval" -> Constraint.interval(bound(file, block, "lower"), bound(file, block, "upper"));
            case "simplex" -> Constraint.simplex();
            case "ordered" -> Constraint.ordered();
            case "positive_ordered" -> Constraint.positiveOrdered();
            case "cholesky_factor_corr" -> Constraint.choleskyFactorCorr();
            case "varying" ->
                Constraint.varyingBounds(
                        c.path("lower").asBoolean(), c.path("upper").asBoolean());
            default ->
                throw new IllegalArgumentException(
                        file + ": block '" + block.name() + "' has unknown constraint '" + type + "'");
        };
    }

    private static double bound(Path file, BlockFile block, String field) {
        JsonNode value = block.constraint().get(field);
        if (value == null || !value.isNumber()) {
            throw new IllegalArgumentException(file + ": block '" + block.name() + "': constraint field '" + field
                    + "' is missing or not a number");
        }
        return value.doubleValue();
    }

    /** One header line of column names, then one line per draw. */
    private static String csv(List<ParameterBlock> blocks, java.util.function.Function<String, double[][]> source) {
        StringBuilder out = new StringBuilder();
        List<double[][]> columns = new ArrayList<>();
        List<String> header = new ArrayList<>();
        for (ParameterBlock block : blocks) {
            double[][] values = source.apply(block.name());
            columns.add(values);
            for (int j = 0; j < block.size(); j++) {
                header.add(block.shape().length == 0 ? block.name() : block.name() + "[" + j + "]");
            }
        }
        out.append(String.join(",", header)).append('\n');
        int rows = columns.get(0).length;
        for (int s = 0; s < rows; s++) {
            StringBuilder line = new StringBuilder();
            for (double[][] values : columns) {
                for (double v : values[s]) {
                    if (line.length() > 0) {
                        line.append(',');
                    }
                    line.append(Double.toString(v));
                }
            }
            out.append(line).append('\n');
        }
        return out.toString();
    }

    private static Map<String, double[][]> readCsv(Path file, List<ParameterBlock> blocks) {
        List<String> lines;
        try {
            lines = Files.readAllLines(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
        }
        int width = blocks.stream().mapToInt(ParameterBlock::size).sum();
        if (lines.size() < 2) {
            throw new IllegalArgumentException(file + " holds no draws");
        }
        int rows = lines.size() - 1;
        Map<String, double[][]> result = new LinkedHashMap<>();
        for (ParameterBlock block : blocks) {
            result.put(block.name(), new double[rows][block.size()]);
        }
        for (int s = 0; s < rows; s++) {
            String[] fields = lines.get(s + 1).split(",");
            if (fields.length != width) {
                throw new IllegalArgumentException(String.format(
                        Locale.ROOT, "%s line %d has %d values, expected %d", file, s + 2, fields.length, width));
            }
            int column = 0;
            for (ParameterBlock block : blocks) {
                double[] row = result.get(block.name())[s];
                for (int j = 0; j < row.length; j++, column++) {
                    try {
                        row[j] = Double.parseDouble(fields[column]);
                    } catch (NumberFormatException e) {
                        throw new IllegalArgumentException(
                                String.format(
                                        Locale.ROOT,
                                        "%s line %d column %d: '%s' is" + " not a number",
                                        file,
                                        s + 2,
                                        column + 1,
                                        fields[column]),
                                e);
                    }
                }
            }
        }
        return result;
    }
}
