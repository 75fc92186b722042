package io.github.elbo4j.vae;

import java.util.Arrays;
import java.util.Locale;

/** Observation model p(x|z) of the decoder. */
public enum Likelihood {
    /** Independent Bernoulli per feature; the decoder outputs logits. Data must lie in [0, 1]. */
    BERNOULLI,
    /** Independent Gaussian per feature with a fixed, configured σ; the decoder outputs the mean. */
    GAUSSIAN;

    /** The lower-case name used on the command line and in {@code model.json}. */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses {@code bernoulli} or {@code gaussian} (case-insensitive). */
    public static Likelihood parse(String text) {
        for (Likelihood l : values()) {
            if (l.id().equalsIgnoreCase(text.trim())) {
                return l;
            }
        }
        throw new IllegalArgumentException(
                "unknown likelihood '" + text + "'; choose one of "
                        + Arrays.stream(values()).map(Likelihood::id).toList());
    }
}
