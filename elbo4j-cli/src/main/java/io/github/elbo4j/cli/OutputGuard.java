package io.github.elbo4j.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.elbo4j.data.DataException;
import io.github.elbo4j.vae.run.RunDirectory;
import io.github.elbo4j.vae.run.RunLock;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.ParseResult;

/**
 * Keeps a command's outputs off its inputs. Every path on the command line other than an output
 * option ({@code --out}, {@code --draws}) is an input, and so is the data a run given as input was
 * trained on; an output may not be the same file as one of them (also through a symbolic link), an
 * existing file inside an input data folder, or a file a run directory owns ({@code config.json},
 * {@code model.json}, {@code model.safetensors}, {@code metrics.jsonl}, {@code schema.json},
 * anything under {@code checkpoints/}). {@link Main} records the inputs of each command before it
 * runs; {@link CommonOptions#checkOutputFile} consults them.
 */
final class OutputGuard {

    /** Options that name what a command writes; every other path argument is read. */
    private static final Set<String> OUTPUT_OPTIONS = Set.of("--out", "--draws");

    /** The files of a run directory that commands read back: none may be replaced by an output. */
    private static final Set<String> RUN_FILES = Set.of(
            "config.json",
            "model.json",
            "model.safetensors",
            "metrics.jsonl",
            "schema.json",
            "checkpoints",
            RunLock.FILE_NAME);

    /** The inputs of the command running on this thread (commands run one per thread). */
    private static final ThreadLocal<List<Path>> INPUTS = ThreadLocal.withInitial(List::of);

    private OutputGuard() {}

    /** Records the existing files and folders the parsed command line names as inputs. */
    static void recordInputs(ParseResult parsed) {
        ParseResult leaf = parsed;
        while (leaf.subcommand() != null) {
            leaf = leaf.subcommand();
        }
        List<Path> inputs = new ArrayList<>();
        for (ArgSpec arg : leaf.matchedArgs()) {
            if (arg instanceof OptionSpec option && OUTPUT_OPTIONS.contains(option.longestName())) {
                continue;
            }
            Object value = arg.getValue();
            for (Object item : value instanceof Collection<?> items ? items : List.of(value == null ? "" : value)) {
                addIfExists(inputs, item.toString());
            }
        }
        for (Path input : List.copyOf(inputs)) {
            if (isRun(input)) {
                addIfExists(inputs, trainingData(input));
            }
        }
        INPUTS.set(List.copyOf(inputs));
    }

    /** Forgets the inputs once the command has finished. */
    static void clear() {
        INPUTS.remove();
    }

    /**
     * Refuses {@code file} as an output when writing it would replace an input or a run's own file.
     *
     * @throws DataException naming the file and what it is
     */
    static void check(Path file) {
        Path target = resolved(file);
        for (Path input : INPUTS.get()) {
            if (Files.isDirectory(input)) {
                if (!isRun(input) && Files.exists(target) && target.startsWith(resolved(input))) {
                    throw refuse(file, "is a file of the input data folder " + input);
                }
            } else if (Files.exists(target) && sameFile(target, input)) {
                throw refuse(file, "is the input " + input);
            }
        }
        Path parent = target.getParent();
        for (Path dir = parent; dir != null; dir = dir.getParent()) {
            if (isRun(dir)) {
                String owned = dir.relativize(target).getName(0).toString();
                if (RUN_FILES.contains(owned)) {
                    throw refuse(file, "is the run file " + owned + " of " + dir);
                }
                return;
            }
        }
    }

    private static DataException refuse(Path file, String what) {
        return new DataException(file, null, what + "; writing there would replace it, give another output file");
    }

    /** A run directory: the two files every run has from its creation. */
    private static boolean isRun(Path dir) {
        return Files.isRegularFile(dir.resolve("config.json")) && Files.isRegularFile(dir.resolve("model.json"));
    }

    /** The data file or folder recorded in a run's {@code config.json}, or "" if none. */
    private static String trainingData(Path run) {
        try {
            JsonNode config =
                    RunDirectory.JSON.readTree(run.resolve("config.json").toFile());
            return config.path("data").path("spec").asText("");
        } catch (IOException e) {
            return ""; // a damaged config is the reading command's to report
        }
    }

    private static void addIfExists(List<Path> inputs, String text) {
        if (text.isEmpty()) {
            return;
        }
        try {
            Path path = Path.of(text);
            if (Files.exists(path)) {
                inputs.add(path);
            }
        } catch (InvalidPathException e) {
            // not a path: a model name, a number
        }
    }

    private static boolean sameFile(Path a, Path b) {
        try {
            return Files.isSameFile(a, b);
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * The real location {@code file} would be written to: its own real path when it exists (through
     * a symbolic link), otherwise its folder's real path and its name.
     */
    private static Path resolved(Path file) {
        Path absolute = file.toAbsolutePath().normalize();
        try {
            if (Files.exists(absolute)) {
                return absolute.toRealPath();
            }
            Path parent = absolute.getParent();
            if (parent != null && Files.exists(parent)) {
                return parent.toRealPath().resolve(absolute.getFileName());
            }
        } catch (IOException e) {
            // fall back to the absolute path
        }
        return absolute;
    }
}
