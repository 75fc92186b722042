package io.github.elbo4j.data;

import java.util.Objects;

/**
 * One file of a named dataset.
 *
 * @param fileName the file name in the dataset's folder, e.g. {@code train-images-idx3-ubyte.gz};
 *     an uncompressed copy without the {@code .gz} is accepted too
 * @param split which part of the dataset it holds
 * @param labels true for a labels file, false for an images file
 * @param checksum the checksum of the file as its publisher distributes it. Local copies are not
 *     required to match it: re-packaged copies (Debian recompresses Fashion-MNIST, for example)
 *     hold the same data in different gzip bytes, and the readers validate structure instead.
 * @param download where to get it, or {@code null} if it cannot be downloaded
 */
public record DatasetFile(String fileName, Split split, boolean labels, Checksum checksum, Download download) {

    /** Checks the required parts. */
    public DatasetFile {
        Objects.requireNonNull(fileName, "fileName");
        Objects.requireNonNull(split, "split");
        Objects.requireNonNull(checksum, "checksum");
    }

    /** Whether the file can be downloaded. */
    public boolean downloadable() {
        return download != null;
    }
}
