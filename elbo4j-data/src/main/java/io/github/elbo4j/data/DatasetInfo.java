package io.github.elbo4j.data;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A named dataset: what it is, which files it needs and where else it may already be installed.
 *
 * @param name the name used with {@code --data}, e.g. {@code binarized-mnist}
 * @param description one line for listings
 * @param source where the data comes from (paper or homepage), for reports and citations
 * @param folder the folder name under a data directory, normally the name
 * @param files the files it needs; empty for a procedural dataset
 * @param systemFolders absolute folders where an operating-system package installs the files
 */
public record DatasetInfo(
        String name,
        String description,
        String source,
        String folder,
        List<DatasetFile> files,
        List<String> systemFolders) {

    /** Copies the lists and checks the names. */
    public DatasetInfo {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(description, "description");
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(folder, "folder");
        files = List.copyOf(files);
        systemFolders = List.copyOf(systemFolders);
    }

    /** Whether the dataset is generated rather than read from files. */
    public boolean procedural() {
        return files.isEmpty();
    }

    /** Whether every file can be downloaded. */
    public boolean downloadable() {
        return !files.isEmpty() && files.stream().allMatch(DatasetFile::downloadable);
    }

    /**
     * The images or labels file of a split.
     *
     * @param split the split
     * @param labels true for the labels file
     * @return the file, or empty if the dataset has none
     */
    public Optional<DatasetFile> file(Split split, boolean labels) {
        return files.stream()
                .filter(f -> f.split() == split && f.labels() == labels)
                .findFirst();
    }

    /** The file names, in catalog order. */
    public List<String> fileNames() {
        return files.stream().map(DatasetFile::fileName).toList();
    }
}
