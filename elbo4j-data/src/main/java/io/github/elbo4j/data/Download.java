package io.github.elbo4j.data;

import java.net.URI;
import java.util.List;
import java.util.Objects;

/**
 * Where a dataset file can be downloaded from.
 *
 * @param mirrors addresses tried in order until one delivers a file with the right checksum
 * @param checksum the checksum of the downloaded bytes
 * @param conversion how to convert the download into the dataset file, or {@code null} when the
 *     download is the file itself
 */
public record Download(List<URI> mirrors, Checksum checksum, MatlabConversion conversion) {

    /** Checks there is at least one mirror and a checksum. */
    public Download {
        mirrors = List.copyOf(mirrors);
        if (mirrors.isEmpty()) {
            throw new IllegalArgumentException("a download needs at least one mirror");
        }
        Objects.requireNonNull(checksum, "checksum");
    }

    /**
     * A download that is the dataset file itself.
     *
     * @param checksum its checksum
     * @param mirrors its addresses, in order of preference
     * @return the download
     */
    public static Download of(Checksum checksum, URI... mirrors) {
        return new Download(List.of(mirrors), checksum, null);
    }
}
