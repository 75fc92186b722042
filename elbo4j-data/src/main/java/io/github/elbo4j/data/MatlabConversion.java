package io.github.elbo4j.data;

import java.util.Objects;

/**
 * How to turn a downloaded MATLAB v5 {@code .mat} file into the IDX images file a dataset expects:
 * the file holds one numeric {@code examples × (height · width)} matrix of integers 0 to 255,
 * written out as gzip-compressed IDX unsigned bytes of shape {@code examples × height × width}.
 *
 * @param height image height
 * @param width image width
 * @param idxContent SHA-256 of the uncompressed IDX bytes the conversion must produce (gzip output
 *     differs between compressors, so the content is what is compared)
 */
public record MatlabConversion(int height, int width, Checksum idxContent) {

    /** Checks the image size is positive. */
    public MatlabConversion {
        if (height <= 0 || width <= 0) {
            throw new IllegalArgumentException("image size must be positive, got " + height + " x " + width);
        }
        Objects.requireNonNull(idxContent, "idxContent");
        if (!idxContent.algorithm().equals("SHA-256")) {
            throw new IllegalArgumentException(
                    "the converted content is checked with SHA-256, got " + idxContent.algorithm());
        }
    }
}
