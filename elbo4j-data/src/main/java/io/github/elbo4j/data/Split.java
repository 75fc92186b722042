package io.github.elbo4j.data;

import java.util.Locale;
import java.util.Optional;

/** The part of a dataset a file holds. */
public enum Split {
    /** Training examples. */
    TRAIN,
    /** Validation examples (for early stopping and model selection). */
    VALID,
    /** Test examples (for the reported numbers). */
    TEST;

    /**
     * The split a file or array name belongs to, by its prefix: {@code train…}, {@code valid…}, and
     * {@code test…} or {@code t10k…} (the MNIST test files). Case is ignored.
     *
     * @param name a file name or {@code .npz} key
     * @return the split, or empty if the name has none of these prefixes
     */
    public static Optional<Split> ofName(String name) {
        String lower = name.toLowerCase(Locale.ROOT);
        if (lower.startsWith("train")) {
            return Optional.of(TRAIN);
        }
        if (lower.startsWith("valid")) {
            return Optional.of(VALID);
        }
        if (lower.startsWith("test") || lower.startsWith("t10k")) {
            return Optional.of(TEST);
        }
        return Optional.empty();
    }

    /** The lowercase name, as in file names: {@code train}, {@code valid}, {@code test}. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
