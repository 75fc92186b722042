package io.github.elbo4j.data;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns a data specification — what a user passes to {@code --data} — into {@link DatasetSplits}.
 *
 * <p>A specification is, in this order of precedence:
 *
 * <ol>
 *   <li>a dataset name from the {@link DatasetCatalog} ({@code binarized-mnist}, {@code mnist},
 *       {@code fashion-mnist}, {@code shapes}); write {@code ./mnist} for a folder of that name.
 *       {@code shapes} is {@link Shapes#splits(long) Shapes.splits(0)}; the others are found by
 *       the {@link DataLocator} and, only when downloads are allowed, fetched with checksum
 *       verification into its download folder;
 *   <li>a file: IDX ({@code .gz}, {@code *idx*}, {@code *ubyte*}), {@code .csv}, {@code .npy} —
 *       all of it becomes the training split — or {@code .npz}: one array becomes the training
 *       split, several arrays are split by name like the files of a folder;
 *   <li>a folder whose files start with {@code train}, {@code valid} and {@code test} (or {@code
 *       t10k}); training data is required, the others are used when present. A file whose name
 *       also contains {@code label} holds the labels of its split's examples.
 * </ol>
 */
public final class DataSource {

    private static final Logger LOG = LoggerFactory.getLogger(DataSource.class);
    private static final String FORMATS = ".csv, .npy, .npz or IDX (.gz, *-idx3-ubyte, *-idx1-ubyte)";

    private final DatasetCatalog catalog;
    private final DataLocator locator;

    /**
     * A data source over a catalog and a locator (tests inject both).
     *
     * @param catalog the named datasets
     * @param locator where to look for them
     */
    public DataSource(DatasetCatalog catalog, DataLocator locator) {
        this.catalog = Objects.requireNonNull(catalog, "catalog");
        this.locator = Objects.requireNonNull(locator, "locator");
    }

    /**
     * Loads a dataset with the built-in catalog, searching {@code $ELBO4J_DATA} and {@code
     * ~/.cache/elbo4j}, without downloading: what a program needs for a named dataset or a file.
     *
     * @param spec a dataset name (e.g. {@code shapes}, generated on the spot), file or folder
     * @return the splits
     * @throws DataException if the data cannot be found or is malformed
     */
    public static DatasetSplits load(String spec) {
        return load(spec, null, false);
    }

    /**
     * Loads a dataset with the built-in catalog, searching {@code dataDir}, {@code $ELBO4J_DATA} and
     * {@code ~/.cache/elbo4j}.
     *
     * @param spec a dataset name, file or folder
     * @param dataDir the {@code --data-dir} value, or {@code null}
     * @param allowDownload whether a named dataset that is not found may be downloaded
     * @return the splits
     * @throws DataException if the data cannot be found or is malformed
     */
    public static DatasetSplits load(String spec, Path dataDir, boolean allowDownload) {
        return new DataSource(DatasetCatalog.builtIn(), DataLocator.fromEnvironment(dataDir)).open(spec, allowDownload);
    }

    /**
     * Loads a dataset.
     *
     * @param spec a dataset name, file or folder
     * @param allowDownload whether a named dataset that is not found may be downloaded
     * @return the splits
     * @throws DataException if the data cannot be found or is malformed
     */
    public DatasetSplits open(String spec, boolean allowDownload) {
        Objects.requireNonNull(spec, "spec");
        String trimmed = spec.trim();
        if (trimmed.isEmpty()) {
            throw new DataException("no data given: pass a dataset name (" + String.join(", ", catalog.names())
                    + ") or the path of a file or folder");
        }
        Optional<DatasetInfo> named = catalog.find(trimmed);
        if (named.isPresent()) {
            return openNamed(named.get(), allowDownload);
        }
        Path path;
        try {
            path = Path.of(trimmed);
        } catch (InvalidPathException e) {
            throw new DataException("'" + trimmed + "' is neither a dataset name nor a valid path");
        }
        if (Files.exists(path)) {
            return loadPath(path);
        }
        if (looksLikePath(trimmed)) {
            throw new DataException(path, null, "no such file or folder");
        }
        throw new DataException("unknown dataset '" + trimmed + "': known datasets are "
                + String.join(", ", catalog.names()) + "; or give the path of a file or folder");
    }

    /**
     * Loads a named dataset, downloading it first if it is not found and downloads are allowed.
     *
     * @param info the catalog entry
     * @param allowDownload whether to download a dataset that is not found
     * @return the splits, each named after the dataset
     */
    public DatasetSplits openNamed(DatasetInfo info, boolean allowDownload) {
        if (info.procedural()) {
            if (!info.name().equals(Shapes.NAME)) {
                throw new DataException(
                        "dataset '" + info.name() + "' lists no files and is not a" + " known generator");
            }
            return Shapes.splits(0);
        }
        Path folder = ensureAvailable(info, allowDownload);
        LOG.info("loading {} from {}", info.name(), folder);
        return readNamed(info, folder);
    }

    /**
     * The folder holding a named dataset, downloading the missing files first when it is not found
     * anywhere and downloads are allowed.
     *
     * @param info the catalog entry (not procedural)
     * @param allowDownload whether to download
     * @return a folder holding every file of the dataset
     * @throws DataException listing the folders searched if it is not found
     */
    public Path ensureAvailable(DatasetInfo info, boolean allowDownload) {
        Optional<Path> found = locator.locate(info);
        if (found.isPresent()) {
            return found.get();
        }
        if (!allowDownload || !info.downloadable()) {
            throw notFound(info, allowDownload);
        }
        Path folder = locator.downloadFolder(info);
        for (DatasetFile file : info.files()) {
            if (DataLocator.findFile(folder, file.fileName()).isEmpty()) {
                fetch(file, folder);
            }
        }
        return folder;
    }

    /**
     * Reads a file or folder.
     *
     * @param path a data file or a folder of split files
     * @return the splits
     */
    public static DatasetSplits loadPath(Path path) {
        InputLimits.requireRegularFile(path);
        if (Files.isDirectory(path)) {
            return loadFolder(path);
        }
        if (!Files.exists(path)) {
            throw new DataException(path, null, "no such file or folder");
        }
        if (format(path) == Format.NPZ) {
            return splitsOfArchive(path);
        }
        return DatasetSplits.trainOnly(readFile(path));
    }

    /**
     * Reads one data file, choosing the reader by its name: {@code .csv}, {@code .npy}, {@code .npz}
     * (which must hold exactly one array) or IDX.
     *
     * @param file the file
     * @return its examples
     */
    public static Dataset readFile(Path file) {
        Format format = format(file);
        if (format == null) {
            throw new DataException(file, null, "unsupported file type: expected " + FORMATS);
        }
        return switch (format) {
            case CSV -> CsvReader.read(file);
            case NPY -> NpyReader.readNpy(file);
            case IDX -> IdxReader.read(file);
            case NPZ -> {
                Map<String, Dataset> arrays = NpyReader.readNpz(file);
                if (arrays.size() != 1) {
                    throw new DataException(
                            file,
                            null,
                            "holds " + arrays.size() + " arrays (" + String.join(", ", arrays.keySet())
                                    + "): expected exactly one");
                }
                yield arrays.values().iterator().next();
            }
        };
    }

    private enum Format {
        CSV,
        NPY,
        NPZ,
        IDX
    }

    private static Format format(Path file) {
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        if (name.endsWith(".csv")) {
            return Format.CSV;
        }
        if (name.endsWith(".npy")) {
            return Format.NPY;
        }
        if (name.endsWith(".npz")) {
            return Format.NPZ;
        }
        if (name.endsWith(".gz") || name.endsWith(".idx") || name.contains("idx") || name.contains("ubyte")) {
            return Format.IDX;
        }
        return null;
    }

    private static boolean isLabels(String name) {
        return name.toLowerCase(Locale.ROOT).contains("label");
    }

    private static boolean looksLikePath(String spec) {
        return spec.contains("/") || spec.contains("\\") || spec.contains(".") || spec.startsWith("~");
    }

    // ---- named datasets ----------------------------------------------------------------------

    private DatasetSplits readNamed(DatasetInfo info, Path folder) {
        Map<Split, Dataset> parts = new EnumMap<>(Split.class);
        Map<Split, String> sources = new EnumMap<>(Split.class);
        for (Split split : Split.values()) {
            Optional<DatasetFile> images = info.file(split, false);
            if (images.isEmpty()) {
                continue;
            }
            Path imagesPath =
                    DataLocator.findFile(folder, images.get().fileName()).orElseThrow();
            Dataset data = readFile(imagesPath).withName(info.name());
            Optional<DatasetFile> labels = info.file(split, true);
            if (labels.isPresent()) {
                Path labelsPath =
                        DataLocator.findFile(folder, labels.get().fileName()).orElseThrow();
                data = attachLabels(data, imagesPath, labelsPath);
            }
            parts.put(split, data);
            sources.put(split, imagesPath.getFileName().toString());
        }
        if (!parts.containsKey(Split.TRAIN)) {
            throw new DataException("dataset '" + info.name() + "' lists no training file");
        }
        return assemble(parts, sources, folder);
    }

    private DataException notFound(DatasetInfo info, boolean allowDownload) {
        List<String> looked = new ArrayList<>();
        for (Path folder : locator.searchFolders(info)) {
            if (!Files.isDirectory(folder)) {
                looked.add(folder + " (does not exist)");
            } else {
                List<String> missing = DataLocator.missingFiles(folder, info);
                looked.add(folder
                        + (missing.size() == info.files().size()
                                ? " (none of the files)"
                                : " (missing " + String.join(", ", missing) + ")"));
            }
        }
        StringBuilder message = new StringBuilder()
                .append(info.name())
                .append(" not found (needs ")
                .append(String.join(", ", info.fileNames()))
                .append("); looked in: ")
                .append(looked.isEmpty() ? "nowhere" : String.join(", ", looked))
                .append("; pass --data-dir or set ")
                .append(DataLocator.ENVIRONMENT_VARIABLE);
        if (!info.downloadable()) {
            message.append("; it cannot be downloaded automatically, put the files into one of those" + " folders");
        } else if (!allowDownload) {
            message.append(", or rerun with --download to fetch it");
            try {
                message.append(" into ").append(locator.downloadFolder(info));
            } catch (DataException e) {
                message.append(" (with --data-dir to say where)");
            }
        }
        return new DataException(message.toString());
    }

    private static void fetch(DatasetFile file, Path folder) {
        Download download = file.download();
        Path target = folder.resolve(file.fileName());
        List<String> failures = new ArrayList<>();
        boolean corrupt = false;
        for (URI mirror : download.mirrors()) {
            try {
                if (download.conversion() == null) {
                    Downloader.download(
                            mirror,
                            target,
                            download.checksum().algorithm(),
                            download.checksum().hex());
                } else {
                    fetchAndConvert(mirror, download, target);
                }
                return;
            } catch (DataException e) {
                corrupt = true;
                failures.add(e.getMessage());
            } catch (UncheckedIOException e) {
                failures.add(e.getMessage());
            }
            LOG.warn("download of {} from {} failed: {}", file.fileName(), mirror, failures.get(failures.size() - 1));
        }
        String message = "could not download " + file.fileName() + ": " + String.join("; ", failures);
        if (corrupt) {
            throw new DataException(message);
        }
        throw new UncheckedIOException(message, new IOException(message));
    }

    private static void fetchAndConvert(URI mirror, Download download, Path target) {
        String path = mirror.getPath();
        String sourceName = path.substring(path.lastIndexOf('/') + 1);
        Path source = target.resolveSibling(sourceName.isEmpty() ? "download.mat" : sourceName);
        try {
            Downloader.download(
                    mirror,
                    source,
                    download.checksum().algorithm(),
                    download.checksum().hex());
            Dataset matrix = MatReader.readMatrix(source);
            MatlabConversion conversion = download.conversion();
            if (matrix.features() != conversion.height() * conversion.width()) {
                throw new DataException(
                        source,
                        null,
                        "matrix has " + matrix.features()
                                + " columns but " + conversion.height() + " x " + conversion.width()
                                + " images need " + conversion.height() * conversion.width());
            }
            IdxWriter.writeUnsignedBytes(
                    target,
                    new int[] {matrix.rows(), conversion.height(), conversion.width()},
                    matrix.values(),
                    conversion.idxContent());
            LOG.info("converted {} to {}", source, target);
        } finally {
            Downloader.deleteQuietly(source);
        }
    }

    // ---- folders and archives ----------------------------------------------------------------

    private static DatasetSplits loadFolder(Path folder) {
        List<Path> files;
        try (Stream<Path> listing = Files.list(folder)) {
            files = listing.filter(Files::isRegularFile).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + folder + ": " + e.getMessage(), e);
        }
        Map<Split, Path> images = new EnumMap<>(Split.class);
        Map<Split, Path> labels = new EnumMap<>(Split.class);
        for (Path file : files) {
            String name = file.getFileName().toString();
            Optional<Split> split = Split.ofName(name);
            if (name.startsWith(".") || split.isEmpty() || format(file) == null) {
                continue;
            }
            Map<Split, Path> kind = isLabels(name) ? labels : images;
            Path previous = kind.putIfAbsent(split.get(), file);
            if (previous != null) {
                throw new DataException(
                        folder,
                        null,
                        "several " + split.get().label()
                                + (kind == labels ? " labels" : "") + " files (" + previous.getFileName() + ", "
                                + name + "): keep one per split");
            }
        }
        if (!images.containsKey(Split.TRAIN)) {
            String found = files.stream().map(f -> f.getFileName().toString()).collect(Collectors.joining(", "));
            throw new DataException(
                    folder,
                    null,
                    "no training data: expected a file whose name starts"
                            + " with 'train' in one of the formats " + FORMATS + " (found: "
                            + (found.isEmpty() ? "nothing" : found) + ")");
        }
        Path absolute = folder.toAbsolutePath().normalize();
        String name =
                absolute.getFileName() == null ? "data" : absolute.getFileName().toString();
        Map<Split, Dataset> parts = new EnumMap<>(Split.class);
        Map<Split, String> sources = new EnumMap<>(Split.class);
        for (Map.Entry<Split, Path> entry : labels.entrySet()) {
            if (!images.containsKey(entry.getKey())) {
                throw new DataException(
                        folder,
                        null,
                        "found " + entry.getKey().label() + " labels ("
                                + entry.getValue().getFileName() + ") but no "
                                + entry.getKey().label()
                                + " examples");
            }
        }
        for (Map.Entry<Split, Path> entry : images.entrySet()) {
            Dataset data = readFile(entry.getValue()).withName(name);
            Path labelsFile = labels.get(entry.getKey());
            if (labelsFile != null) {
                data = attachLabels(data, entry.getValue(), labelsFile);
            }
            parts.put(entry.getKey(), data);
            sources.put(entry.getKey(), entry.getValue().getFileName().toString());
        }
        return assemble(parts, sources, folder);
    }

    private static DatasetSplits splitsOfArchive(Path file) {
        Map<String, Dataset> arrays = NpyReader.readNpz(file);
        String stem = file.getFileName().toString().replaceFirst("(?i)\\.npz$", "");
        if (arrays.size() == 1) {
            return DatasetSplits.trainOnly(arrays.values().iterator().next().withName(stem));
        }
        Map<Split, Dataset> parts = new EnumMap<>(Split.class);
        Map<Split, int[]> labels = new EnumMap<>(Split.class);
        Map<Split, String> sources = new EnumMap<>(Split.class);
        for (Map.Entry<String, Dataset> entry : arrays.entrySet()) {
            Optional<Split> split = Split.ofName(entry.getKey());
            if (split.isEmpty()) {
                continue;
            }
            boolean isLabels = isLabels(entry.getKey());
            if ((isLabels ? labels.containsKey(split.get()) : parts.containsKey(split.get()))) {
                throw new DataException(
                        file,
                        null,
                        "several " + split.get().label() + (isLabels ? " labels" : "") + " arrays: keep one per split");
            }
            if (isLabels) {
                labels.put(split.get(), toLabels(entry.getValue(), file, "array " + entry.getKey()));
            } else {
                parts.put(split.get(), entry.getValue().withName(stem));
                sources.put(split.get(), "array " + entry.getKey());
            }
        }
        if (!parts.containsKey(Split.TRAIN)) {
            throw new DataException(
                    file,
                    null,
                    "holds " + arrays.size() + " arrays ("
                            + String.join(", ", arrays.keySet()) + "): expected one array, or arrays named"
                            + " train..., valid..., test...");
        }
        for (Map.Entry<Split, int[]> entry : labels.entrySet()) {
            Dataset images = parts.get(entry.getKey());
            if (images == null) {
                throw new DataException(
                        file,
                        null,
                        "has " + entry.getKey().label() + " labels but no "
                                + entry.getKey().label() + " array");
            }
            if (entry.getValue().length != images.rows()) {
                throw new DataException(
                        file,
                        null,
                        entry.getKey().label() + " labels have "
                                + entry.getValue().length + " entries but the "
                                + entry.getKey().label()
                                + " array has " + images.rows() + " rows");
            }
            parts.put(entry.getKey(), images.withLabels(entry.getValue()));
        }
        return assemble(parts, sources, file);
    }

    // ---- shared --------------------------------------------------------------------------------

    private static Dataset attachLabels(Dataset images, Path imagesFile, Path labelsFile) {
        int[] labels = format(labelsFile) == Format.IDX
                ? IdxReader.readLabels(labelsFile)
                : toLabels(readFile(labelsFile), labelsFile, null);
        if (labels.length != images.rows()) {
            throw new DataException(
                    labelsFile,
                    null,
                    "has " + labels.length + " labels but " + imagesFile.getFileName() + " has " + images.rows()
                            + " examples");
        }
        return images.withLabels(labels);
    }

    private static int[] toLabels(Dataset data, Path file, String record) {
        if (data.features() != 1) {
            throw new DataException(
                    file,
                    record,
                    "labels must be one integer per example, found " + data.features() + " values per row");
        }
        float[] values = data.values();
        int[] labels = new int[values.length];
        for (int i = 0; i < values.length; i++) {
            if (values[i] != Math.rint(values[i]) || Math.abs(values[i]) > Integer.MAX_VALUE) {
                throw new DataException(
                        file,
                        record == null ? "row " + (i + 1) : record + ", row " + (i + 1),
                        "label " + values[i] + " is not an integer");
            }
            labels[i] = (int) values[i];
        }
        return labels;
    }

    private static DatasetSplits assemble(Map<Split, Dataset> parts, Map<Split, String> sources, Path where) {
        Dataset train = parts.get(Split.TRAIN);
        for (Split split : List.of(Split.VALID, Split.TEST)) {
            Dataset other = parts.get(split);
            if (other == null) {
                continue;
            }
            if (!Arrays.equals(other.exampleShape(), train.exampleShape())) {
                throw new DataException(
                        where,
                        null,
                        split.label() + " examples ("
                                + sources.get(split) + ") have shape "
                                + Arrays.toString(other.exampleShape()) + " but train examples ("
                                + sources.get(Split.TRAIN) + ") have shape "
                                + Arrays.toString(train.exampleShape()));
            }
            if (other.columns() != null
                    && train.columns() != null
                    && !other.columns().equals(train.columns())) {
                throw new DataException(
                        where,
                        null,
                        split.label() + " columns " + other.columns() + " differ from train columns "
                                + train.columns());
            }
        }
        DatasetSplits splits = new DatasetSplits(train, parts.get(Split.VALID), parts.get(Split.TEST));
        LOG.info(
                "{}: {} train, {} valid, {} test examples of shape {}",
                train.name(),
                train.rows(),
                splits.valid() == null ? 0 : splits.valid().rows(),
                splits.test() == null ? 0 : splits.test().rows(),
                Arrays.toString(train.exampleShape()));
        return splits;
    }
}
