package io.github.elbo4j.web;

import io.github.elbo4j.data.DataException;
import io.github.elbo4j.vae.run.RunLayout;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The runs a dashboard serves: one run directory, or every run directory directly inside a
 * folder (a folder of runs is rescanned, so a run started after the dashboard appears). A run
 * directory is a folder holding {@code model.json}, as {@code train} writes it.
 *
 * <p>This is the only way the server reaches the file system: a plot is looked up by run id and
 * a plain file name, never by a path taken from the request, so no request can name a file
 * outside the served runs' {@code plots} folders.
 */
public final class RunCatalog {

    /** A plot file name: letters, digits, dot, dash, underscore, ending in .png, no leading dot. */
    private static final Pattern PLOT_NAME = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_.-]{0,100}\\.png");

    private final Path folder;
    private final boolean singleRun;
    private final List<ServedRun> runs = new ArrayList<>();
    private final Set<Path> known = new HashSet<>();

    private RunCatalog(Path folder, boolean singleRun) {
        this.folder = folder;
        this.singleRun = singleRun;
    }

    /**
     * The runs at {@code path}: the run directory itself, or the run directories inside it.
     *
     * @throws DataException when {@code path} is missing, not a folder, or holds no run
     */
    public static RunCatalog open(Path path) {
        if (!Files.isDirectory(path)) {
            throw new DataException(path, null, Files.exists(path) ? "is not a folder" : "run directory not found");
        }
        Path absolute = path.toAbsolutePath().normalize();
        RunCatalog catalog = new RunCatalog(absolute, isRun(absolute));
        catalog.refresh();
        if (catalog.runs().isEmpty()) {
            throw new DataException(
                    path, null, "not an elbo4j run directory (no model.json) and holds no run directories");
        }
        return catalog;
    }

    private static boolean isRun(Path dir) {
        return Files.isDirectory(dir) && Files.isRegularFile(dir.resolve("model.json"));
    }

    /**
     * Looks for run directories that appeared since the last call; returns true when there are new
     * ones. Runs are never dropped: a run that disappears simply stops growing.
     */
    public synchronized boolean refresh() {
        List<Path> candidates = new ArrayList<>();
        if (singleRun) {
            candidates.add(folder);
        } else {
            try (Stream<Path> entries = Files.list(folder)) {
                // Hidden folders are runs still being created (RunDirectory stages them under a dot name).
                entries.filter(p -> !p.getFileName().toString().startsWith("."))
                        .filter(RunCatalog::isRun)
                        .sorted()
                        .forEach(candidates::add);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot list " + folder + ": " + e.getMessage(), e);
            }
        }
        boolean added = false;
        for (Path dir : candidates) {
            if (known.add(dir)) {
                String name =
                        dir.getFileName() == null ? "run" : dir.getFileName().toString();
                runs.add(new ServedRun(uniqueId(name), RunLayout.open(dir)));
                added = true;
            }
        }
        return added;
    }

    private String uniqueId(String name) {
        String base = name.replaceAll("[^A-Za-z0-9_.-]", "_");
        if (base.isEmpty() || base.startsWith(".")) {
            base = "run" + base;
        }
        String id = base;
        for (int n = 2; byId(id).isPresent(); n++) {
            id = base + "-" + n;
        }
        return id;
    }

    /** The served runs, in discovery order. */
    public synchronized List<ServedRun> runs() {
        return List.copyOf(runs);
    }

    /** The run with {@code id}. */
    public synchronized Optional<ServedRun> byId(String id) {
        return runs.stream().filter(r -> r.id().equals(id)).findFirst();
    }

    /**
     * The plot {@code name} of run {@code id}, when {@code name} is a plain PNG file name and that
     * file is a regular file inside the run's {@code plots} folder (symbolic links that lead out
     * of it are refused too).
     */
    public Optional<Path> plot(String id, String name) {
        if (name == null || !PLOT_NAME.matcher(name).matches()) {
            return Optional.empty();
        }
        return byId(id).flatMap(run -> {
            Path file = run.directory().plotsDirectory().resolve(name);
            try {
                if (!Files.isRegularFile(file)) {
                    return Optional.empty();
                }
                Path real = file.toRealPath();
                return real.startsWith(run.directory().plotsDirectory().toRealPath())
                        ? Optional.of(real)
                        : Optional.empty();
            } catch (IOException e) {
                return Optional.empty();
            }
        });
    }

    /** The PNG file names in a run's plots folder, sorted. */
    public List<String> plotNames(ServedRun run) {
        if (!Files.isDirectory(run.directory().plotsDirectory())) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(run.directory().plotsDirectory())) {
            return files.map(p -> p.getFileName().toString())
                    .filter(n -> PLOT_NAME.matcher(n).matches())
                    .sorted()
                    .toList();
        } catch (IOException e) {
            return List.of();
        }
    }
}
