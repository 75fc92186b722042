package io.github.elbo4j.data;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Finds where a named dataset's files are. Folders are searched in this order:
 *
 * <ol>
 *   <li>the explicit data directory ({@code --data-dir}): its {@code <folder>/} subfolder, then the
 *       directory itself (so it may hold the files directly);
 *   <li>{@code $ELBO4J_DATA/<folder>/};
 *   <li>the cache {@code ~/.cache/elbo4j/<folder>/};
 *   <li>folders where an operating-system package installs the dataset, such as Debian's {@code
 *       dataset-fashion-mnist} in {@code /usr/share/datasets/fashion-mnist}.
 * </ol>
 *
 * <p>A folder holds the dataset when every file is there, each either under its catalog name or,
 * for a {@code .gz} name, uncompressed without the suffix. Downloads go to the first of: the
 * explicit directory's subfolder, {@code $ELBO4J_DATA}'s subfolder, the cache's subfolder.
 */
public final class DataLocator {

    /** The environment variable naming a data root. */
    public static final String ENVIRONMENT_VARIABLE = "ELBO4J_DATA";

    private final Path explicitDir;
    private final Path environmentDir;
    private final Path cacheRoot;
    private final Path systemRoot;

    /**
     * A locator with injected inputs (tests pass temporary folders).
     *
     * @param explicitDir the {@code --data-dir} value, or {@code null}
     * @param environment environment variables; {@value #ENVIRONMENT_VARIABLE} is read from it
     * @param homeDir the user's home folder, or {@code null} to skip the cache
     */
    public DataLocator(Path explicitDir, Map<String, String> environment, Path homeDir) {
        this(explicitDir, environment, homeDir, Path.of("/"));
    }

    /**
     * A locator that also resolves operating-system folders against {@code systemRoot}.
     *
     * @param explicitDir the {@code --data-dir} value, or {@code null}
     * @param environment environment variables
     * @param homeDir the user's home folder, or {@code null}
     * @param systemRoot what {@code /} means for system folders (normally {@code /})
     */
    public DataLocator(Path explicitDir, Map<String, String> environment, Path homeDir, Path systemRoot) {
        Objects.requireNonNull(environment, "environment");
        this.explicitDir = explicitDir;
        String env = environment.get(ENVIRONMENT_VARIABLE);
        this.environmentDir = env == null || env.isBlank() ? null : Path.of(env.trim());
        this.cacheRoot = homeDir == null ? null : homeDir.resolve(".cache").resolve("elbo4j");
        this.systemRoot = Objects.requireNonNull(systemRoot, "systemRoot");
    }

    /**
     * A locator for this process: its environment and the {@code user.home} system property.
     *
     * @param explicitDir the {@code --data-dir} value, or {@code null}
     * @return the locator
     */
    public static DataLocator fromEnvironment(Path explicitDir) {
        String home = System.getProperty("user.home");
        return new DataLocator(explicitDir, System.getenv(), home == null ? null : Path.of(home));
    }

    /** The explicit data directory, if one was given. */
    public Optional<Path> explicitDir() {
        return Optional.ofNullable(explicitDir);
    }

    /** The cache root {@code ~/.cache/elbo4j}, if the home folder is known. */
    public Optional<Path> cacheRoot() {
        return Optional.ofNullable(cacheRoot);
    }

    /**
     * The folders searched for a dataset, in order, without duplicates.
     *
     * @param info the dataset
     * @return candidate folders (they need not exist)
     */
    public List<Path> searchFolders(DatasetInfo info) {
        Set<Path> folders = new LinkedHashSet<>();
        if (explicitDir != null) {
            folders.add(explicitDir.resolve(info.folder()));
            folders.add(explicitDir);
        }
        if (environmentDir != null) {
            folders.add(environmentDir.resolve(info.folder()));
        }
        if (cacheRoot != null) {
            folders.add(cacheRoot.resolve(info.folder()));
        }
        for (String system : info.systemFolders()) {
            folders.add(systemRoot.resolve(system.replaceFirst("^/+", "")));
        }
        return new ArrayList<>(folders);
    }

    /**
     * The first folder that holds every file of the dataset.
     *
     * @param info the dataset (not procedural)
     * @return the folder, or empty if none holds it
     */
    public Optional<Path> locate(DatasetInfo info) {
        for (Path folder : searchFolders(info)) {
            if (Files.isDirectory(folder) && missingFiles(folder, info).isEmpty()) {
                return Optional.of(folder);
            }
        }
        return Optional.empty();
    }

    /**
     * Where a download of the dataset should go: the explicit directory's subfolder, else {@code
     * $ELBO4J_DATA}'s, else the cache's.
     *
     * @param info the dataset
     * @return the folder (it may not exist yet)
     * @throws DataException if no explicit directory, environment variable or home folder is known
     */
    public Path downloadFolder(DatasetInfo info) {
        if (explicitDir != null) {
            return explicitDir.resolve(info.folder());
        }
        if (environmentDir != null) {
            return environmentDir.resolve(info.folder());
        }
        if (cacheRoot != null) {
            return cacheRoot.resolve(info.folder());
        }
        throw new DataException(
                "nowhere to download " + info.name() + " to: pass --data-dir or set " + ENVIRONMENT_VARIABLE);
    }

    /**
     * The catalog files a folder lacks.
     *
     * @param folder the folder
     * @param info the dataset
     * @return the missing file names, in catalog order
     */
    public static List<String> missingFiles(Path folder, DatasetInfo info) {
        List<String> missing = new ArrayList<>();
        for (DatasetFile file : info.files()) {
            if (findFile(folder, file.fileName()).isEmpty()) {
                missing.add(file.fileName());
            }
        }
        return missing;
    }

    /**
     * A dataset file in a folder, under its name or, for a {@code .gz} name, uncompressed without
     * the suffix.
     *
     * @param folder the folder
     * @param fileName the catalog file name
     * @return the file, or empty
     */
    public static Optional<Path> findFile(Path folder, String fileName) {
        Path exact = folder.resolve(fileName);
        if (Files.isRegularFile(exact)) {
            return Optional.of(exact);
        }
        if (fileName.endsWith(".gz")) {
            Path plain = folder.resolve(fileName.substring(0, fileName.length() - 3));
            if (Files.isRegularFile(plain)) {
                return Optional.of(plain);
            }
        }
        return Optional.empty();
    }
}
