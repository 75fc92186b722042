package io.github.elbo4j.data;

import java.util.HexFormat;
import java.util.Locale;
import java.util.Objects;

/**
 * An expected file checksum.
 *
 * @param algorithm {@code "MD5"} or {@code "SHA-256"} (other spellings such as {@code sha256} are
 *     normalised to these)
 * @param hex the digest as hexadecimal, stored lowercase
 */
public record Checksum(String algorithm, String hex) {

    /** Normalises the algorithm name and checks the digest length. */
    public Checksum {
        algorithm = canonicalAlgorithm(algorithm);
        Objects.requireNonNull(hex, "hex");
        hex = hex.toLowerCase(Locale.ROOT);
        int expectedLength = algorithm.equals("MD5") ? 32 : 64;
        if (hex.length() != expectedLength || !isHex(hex)) {
            throw new IllegalArgumentException(
                    algorithm + " checksum must be " + expectedLength + " hex digits, got '" + hex + "'");
        }
    }

    /**
     * An MD5 checksum.
     *
     * @param hex 32 hex digits
     * @return the checksum
     */
    public static Checksum md5(String hex) {
        return new Checksum("MD5", hex);
    }

    /**
     * A SHA-256 checksum.
     *
     * @param hex 64 hex digits
     * @return the checksum
     */
    public static Checksum sha256(String hex) {
        return new Checksum("SHA-256", hex);
    }

    /**
     * Whether {@code actualHex} is this digest (case is ignored).
     *
     * @param actualHex a computed digest
     * @return true when equal
     */
    public boolean matches(String actualHex) {
        return hex.equalsIgnoreCase(actualHex);
    }

    @Override
    public String toString() {
        return algorithm + " " + hex;
    }

    static String canonicalAlgorithm(String algorithm) {
        Objects.requireNonNull(algorithm, "algorithm");
        String compact = algorithm.toUpperCase(Locale.ROOT).replace("-", "").replace("_", "");
        return switch (compact) {
            case "MD5" -> "MD5";
            case "SHA256" -> "SHA-256";
            default ->
                throw new IllegalArgumentException(
                        "unsupported checksum algorithm '" + algorithm + "'; use MD5 or SHA-256");
        };
    }

    private static boolean isHex(String text) {
        for (int i = 0; i < text.length(); i++) {
            if (!HexFormat.isHexDigit(text.charAt(i))) {
                return false;
            }
        }
        return true;
    }
}
