package io.github.elbo4j.data;

import java.util.Arrays;
import java.util.Locale;

/** How a column of a mixed-type table is encoded and modelled (see {@link TabularSchema}). */
public enum ColumnType {
    /** A number, standardized to mean 0 and standard deviation 1; modelled as Gaussian. */
    NUMERIC,
    /** One of exactly two values, encoded as 0 (the first) or 1 (the second); modelled as Bernoulli. */
    BINARY,
    /** One of a fixed vocabulary of labels, encoded one-hot; modelled as categorical. */
    CATEGORICAL,
    /**
     * The class of a conditional model ({@code --condition COLUMN}): one of a fixed vocabulary, whose
     * index becomes the record's label (the condition fed to encoder and decoder), not a feature.
     */
    CONDITION,
    /** Not used: left out of the encoded records. */
    IGNORE;

    /** The lower-case name used in schema files: {@code numeric}, {@code binary}, ... */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * Parses a type name.
     *
     * @param text {@code numeric}, {@code binary}, {@code categorical}, {@code condition} or {@code ignore}
     * @return the type
     * @throws IllegalArgumentException naming the choices
     */
    public static ColumnType parse(String text) {
        for (ColumnType t : values()) {
            if (t.id().equalsIgnoreCase(text.trim())) {
                return t;
            }
        }
        throw new IllegalArgumentException("unknown column type '" + text + "'; choose one of "
                + Arrays.stream(values()).map(ColumnType::id).toList());
    }
}
