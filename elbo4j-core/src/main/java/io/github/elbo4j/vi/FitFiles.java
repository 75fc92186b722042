package io.github.elbo4j.vi;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;

import io.github.elbo4j.elbo.LogEvidenceEstimate;
import io.github.elbo4j.vi.diagnostics.CovarianceComparison;
import io.github.elbo4j.vi.diagnostics.Reliability;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Saves a {@link VariationalPosterior} to a folder and loads it back: {@value #FIT} holds the
 * configuration, the blocks, q, the diagnostics, the verdict and the provenance; {@value #DRAWS}
 * (and, when present, {@value #RESAMPLED} and {@value #LINEAR_RESPONSE}) the draws on the
 * constrained scale, one row per draw and one column per scalar, named as in the summary table.
 * Saving never overwrites: it refuses a folder that already holds a fit, and writes each file under
 * a temporary name first.
 */
final class FitFiles {

    static final String FIT = "fit.json";
    static final String DRAWS = "draws.csv";
    static final String RESAMPLED = "resampled-draws.csv";
    static final String LINEAR_RESPONSE = "linear-response-draws.csv";
    private static final String FORMAT = "elbo4j-vi-fit";
    private static final int VERSION = 1;
    private static final Gson GSON = new GsonBuilder().serializeSpecialFloatingPointValues().setPrettyPrinting()
            .create();

    private FitFiles() {}

    static void save(VariationalPosterior fit, Path directory) {
        try {
            Files.createDirectories(directory);
            for (String name : List.of(FIT, DRAWS, RESAMPLED, LINEAR_RESPONSE)) {
                if (Files.exists(directory.resolve(name))) {
                    throw new IllegalArgumentException(directory.resolve(name) + " already exists; save the fit to"
                            + " an empty folder");
                }
            }
            write(directory.resolve(DRAWS), csv(fit.blocks(), fit::draws));
            if (fit.resampledDraws(fit.blocks().get(0).name()).isPresent()) {
                write(directory.resolve(RESAMPLED), csv(fit.blocks(), b -> fit.resampledDraws(b).orElseThrow()));
            }
            if (fit.linearResponse().isPresent()) {
                write(directory.resolve(LINEAR_RESPONSE),
                        csv(fit.blocks(), b -> fit.linearResponseDraws(b).orElseThrow()));
            }
            write(directory.resolve(FIT), GSON.toJson(json(fit)));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot save the fit to " + directory + ": " + e.getMessage(), e);
        }
    }

    static VariationalPosterior load(Path directory) {
        Path file = directory.resolve(FIT);
        JsonObject root;
        try {
            root = JsonParser.parseString(Files.readString(file)).getAsJsonObject();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
        } catch (JsonParseException | IllegalStateException e) {
            throw new IllegalArgumentException(file + " is not a JSON object: " + e.getMessage(), e);
        }
        Reader in = new Reader(file, root);
        if (!FORMAT.equals(in.string(root, "format")) || in.integer(root, "version") != VERSION) {
            throw new IllegalArgumentException(file + " is not an elbo4j fit of format version " + VERSION);
        }
        ViConfig config = in.config(in.object(root, "config"));
        List<ParameterBlock> blocks = new ArrayList<>();
        for (JsonElement element : in.array(root, "blocks")) {
            blocks.add(in.block(element.getAsJsonObject()));
        }
        FittedGaussian gaussian = in.gaussian(in.object(root, "gaussian"));
        JsonObject evidence = in.object(root, "logEvidence");
        List<TracePoint> trace = new ArrayList<>();
        for (JsonElement element : in.array(root, "trace")) {
            JsonArray point = element.getAsJsonArray();
            trace.add(new TracePoint(point.get(0).getAsInt(), point.get(1).getAsDouble(), point.get(2).getAsDouble()));
        }
        JsonObject p = in.object(root, "provenance");
        VariationalPosterior.Provenance provenance = new VariationalPosterior.Provenance(in.number(p, "learningRate"),
                in.bool(p, "learningRateSearched"), in.integer(p, "iterations"), in.integer(p, "adaptationIterations"),
                in.bool(p, "converged"), in.integer(p, "skippedSteps"), in.number(p, "seconds"), in.string(p, "engine"),
                in.string(p, "method"));
        JsonObject verdict = in.object(root, "reliability");
        List<String> reasons = new ArrayList<>();
        in.array(verdict, "reasons").forEach(reason -> reasons.add(reason.getAsString()));
        JsonObject laplace = in.optionalObject(root, "laplaceComparison");
        CovarianceComparison comparison = laplace == null ? null
                : new CovarianceComparison(in.vector(laplace, "sdRatios"), in.number(laplace, "klToLaplace"));
        JsonObject linear = in.optionalObject(root, "linearResponse");
        FittedGaussian response = linear == null ? null : in.gaussian(linear);
        Map<String, double[][]> draws = readCsv(directory.resolve(DRAWS), blocks);
        Map<String, double[][]> resampled = Files.exists(directory.resolve(RESAMPLED))
                ? readCsv(directory.resolve(RESAMPLED), blocks) : null;
        Map<String, double[][]> responseDraws = response == null ? null
                : readCsv(directory.resolve(LINEAR_RESPONSE), blocks);
        return new VariationalPosterior(config, blocks, gaussian, draws, resampled, in.number(root, "elbo"),
                in.number(root, "elboStandardError"), new LogEvidenceEstimate(in.number(evidence, "logEvidence"),
                        in.number(evidence, "standardError"), in.number(evidence, "effectiveSampleSize"),
                        in.integer(evidence, "numSamples")),
                in.number(root, "khat"), trace, provenance,
                new VariationalPosterior.Checks(new Reliability(in.bool(verdict, "reliable"), reasons), comparison,
                        response, responseDraws));
    }

    private static JsonObject json(VariationalPosterior fit) {
        JsonObject root = new JsonObject();
        root.addProperty("format", FORMAT);
        root.addProperty("version", VERSION);
        ViConfig c = fit.config();
        JsonObject config = new JsonObject();
        config.addProperty("method", c.method().cliName());
        config.addProperty("family", c.family().cliName());
        config.addProperty("rank", c.rank());
        config.addProperty("numParticles", c.numParticles());
        config.addProperty("maxIterations", c.maxIterations());
        config.addProperty("relativeTolerance", c.relativeTolerance());
        config.addProperty("evalInterval", c.evalInterval());
        config.addProperty("elboDraws", c.elboDraws());
        config.addProperty("learningRate", c.learningRate());
        config.addProperty("adaptIterations", c.adaptIterations());
        config.addProperty("numDraws", c.numDraws());
        config.addProperty("batchSize", c.batchSize());
        config.addProperty("initialScale", c.initialScale());
        config.addProperty("allowDeterministic", c.allowDeterministic());
        config.addProperty("linearResponse", c.linearResponse());
        config.addProperty("seed", c.seed());
        root.add("config", config);
        JsonArray blocks = new JsonArray();
        for (ParameterBlock block : fit.blocks()) {
            JsonObject b = new JsonObject();
            b.addProperty("name", block.name());
            b.add("shape", GSON.toJsonTree(block.shape()));
            b.add("constraint", constraint(block));
            blocks.add(b);
        }
        root.add("blocks", blocks);
        root.add("gaussian", gaussian(fit.gaussian()));
        root.addProperty("elbo", fit.elbo());
        root.addProperty("elboStandardError", fit.elboStandardError());
        root.addProperty("khat", fit.khat());
        root.add("logEvidence", GSON.toJsonTree(fit.logEvidence()));
        JsonArray trace = new JsonArray();
        for (TracePoint point : fit.trace()) {
            trace.add(GSON.toJsonTree(new double[] {point.iteration(), point.elbo(), point.learningRate()}));
        }
        root.add("trace", trace);
        root.add("provenance", GSON.toJsonTree(fit.provenance()));
        root.add("reliability", GSON.toJsonTree(fit.reliability()));
        root.add("laplaceComparison", fit.laplaceComparison().map(GSON::toJsonTree).orElse(null));
        root.add("linearResponse", fit.linearResponse().map(FitFiles::gaussian).orElse(null));
        return root;
    }

    private static JsonObject gaussian(FittedGaussian q) {
        JsonObject result = new JsonObject();
        result.add("mean", GSON.toJsonTree(q.mean()));
        result.add("scaleTril", GSON.toJsonTree(q.scaleTril()));
        return result;
    }

    private static JsonObject constraint(ParameterBlock block) {
        JsonObject result = new JsonObject();
        Constraint c = block.constraint();
        if (c instanceof Constraint.LowerBounded lower) {
            result.addProperty("type", "lower");
            result.addProperty("lower", lower.lower());
        } else if (c instanceof Constraint.UpperBounded upper) {
            result.addProperty("type", "upper");
            result.addProperty("upper", upper.upper());
        } else if (c instanceof Constraint.Interval interval) {
            result.addProperty("type", "interval");
            result.addProperty("lower", interval.lower());
            result.addProperty("upper", interval.upper());
        } else if (c instanceof Constraint.VaryingBounds varying) {
            result.addProperty("type", "varying");
            result.addProperty("lower", varying.lower());
            result.addProperty("upper", varying.upper());
        } else if (c.equals(Constraint.real()) || c.equals(Constraint.simplex()) || c.equals(Constraint.ordered())
                || c.equals(Constraint.positiveOrdered()) || c.equals(Constraint.choleskyFactorCorr())) {
            result.addProperty("type", c.toString());
        } else {
            throw new IllegalArgumentException("cannot save block '" + block.name() + "': its constraint " + c
                    + " has no saved form");
        }
        return result;
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
                throw new IllegalArgumentException(String.format(Locale.ROOT, "%s line %d has %d values, expected %d",
                        file, s + 2, fields.length, width));
            }
            int column = 0;
            for (ParameterBlock block : blocks) {
                double[] row = result.get(block.name())[s];
                for (int j = 0; j < row.length; j++, column++) {
                    try {
                        row[j] = Double.parseDouble(fields[column]);
                    } catch (NumberFormatException e) {
                        throw new IllegalArgumentException(String.format(Locale.ROOT, "%s line %d column %d: '%s' is"
                                + " not a number", file, s + 2, column + 1, fields[column]), e);
                    }
                }
            }
        }
        return result;
    }

    /** Writes under a temporary name, then moves into place: a failure leaves no half-written file. */
    private static void write(Path file, String content) throws IOException {
        Path temporary = Files.createTempFile(file.getParent(), file.getFileName().toString(), ".tmp");
        try {
            Files.writeString(temporary, content);
            Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(temporary);
        }
    }

    /** Field access that names the file and the field in every error. */
    private record Reader(Path file, JsonObject root) {

        JsonElement get(JsonObject object, String field) {
            JsonElement value = object.get(field);
            if (value == null || value.isJsonNull()) {
                throw new IllegalArgumentException(file + ": field '" + field + "' is missing");
            }
            return value;
        }

        /** The object, or null when the field is absent (an optional part of the fit). */
        JsonObject optionalObject(JsonObject object, String field) {
            JsonElement value = object.get(field);
            return value == null || value.isJsonNull() ? null : object(object, field);
        }

        JsonObject object(JsonObject object, String field) {
            JsonElement value = get(object, field);
            if (!value.isJsonObject()) {
                throw new IllegalArgumentException(file + ": field '" + field + "' is not an object");
            }
            return value.getAsJsonObject();
        }

        JsonArray array(JsonObject object, String field) {
            JsonElement value = get(object, field);
            if (!value.isJsonArray()) {
                throw new IllegalArgumentException(file + ": field '" + field + "' is not an array");
            }
            return value.getAsJsonArray();
        }

        double number(JsonObject object, String field) {
            JsonElement value = get(object, field);
            try {
                return value.getAsDouble();
            } catch (RuntimeException e) {
                throw new IllegalArgumentException(file + ": field '" + field + "' is not a number", e);
            }
        }

        int integer(JsonObject object, String field) {
            JsonElement value = get(object, field);
            try {
                return value.getAsInt();
            } catch (RuntimeException e) {
                throw new IllegalArgumentException(file + ": field '" + field + "' is not an integer", e);
            }
        }

        boolean bool(JsonObject object, String field) {
            return get(object, field).getAsBoolean();
        }

        String string(JsonObject object, String field) {
            return get(object, field).getAsString();
        }

        double[] vector(JsonObject object, String field) {
            JsonArray array = array(object, field);
            double[] result = new double[array.size()];
            for (int i = 0; i < result.length; i++) {
                result[i] = array.get(i).getAsDouble();
            }
            return result;
        }

        FittedGaussian gaussian(JsonObject object) {
            JsonArray rows = array(object, "scaleTril");
            double[][] tril = new double[rows.size()][];
            for (int i = 0; i < tril.length; i++) {
                JsonArray row = rows.get(i).getAsJsonArray();
                tril[i] = new double[row.size()];
                for (int j = 0; j < tril[i].length; j++) {
                    tril[i][j] = row.get(j).getAsDouble();
                }
            }
            return new FittedGaussian(vector(object, "mean"), tril);
        }

        ParameterBlock block(JsonObject object) {
            String name = string(object, "name");
            JsonArray shapeArray = array(object, "shape");
            int[] shape = new int[shapeArray.size()];
            for (int i = 0; i < shape.length; i++) {
                shape[i] = shapeArray.get(i).getAsInt();
            }
            JsonObject c = object(object, "constraint");
            String type = string(c, "type");
            Constraint constraint = switch (type) {
                case "real" -> Constraint.real();
                case "lower" -> Constraint.lowerBounded(number(c, "lower"));
                case "upper" -> Constraint.upperBounded(number(c, "upper"));
                case "interval" -> Constraint.interval(number(c, "lower"), number(c, "upper"));
                case "simplex" -> Constraint.simplex();
                case "ordered" -> Constraint.ordered();
                case "positive_ordered" -> Constraint.positiveOrdered();
                case "cholesky_factor_corr" -> Constraint.choleskyFactorCorr();
                case "varying" -> Constraint.varyingBounds(c.get("lower").getAsBoolean(), c.get("upper").getAsBoolean());
                default -> throw new IllegalArgumentException(file + ": block '" + name + "' has unknown constraint '"
                        + type + "'");
            };
            return new ParameterBlock(name, shape, constraint);
        }

        ViConfig config(JsonObject c) {
            return new ViConfig(ViMethod.fromName(string(c, "method")), GuideFamily.fromName(string(c, "family")),
                    integer(c, "rank"), integer(c, "numParticles"), integer(c, "maxIterations"),
                    number(c, "relativeTolerance"), integer(c, "evalInterval"), integer(c, "elboDraws"),
                    number(c, "learningRate"), integer(c, "adaptIterations"), integer(c, "numDraws"),
                    integer(c, "batchSize"), number(c, "initialScale"), bool(c, "allowDeterministic"),
                    bool(c, "linearResponse"), get(c, "seed").getAsLong());
        }
    }
}
