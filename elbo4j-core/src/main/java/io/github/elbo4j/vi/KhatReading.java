package io.github.elbo4j.vi;

/**
 * The standard reading of the Pareto k̂ diagnostic (Vehtari, Simpson, Gelman, Yao and Gabry, "Pareto
 * Smoothed Importance Sampling", JMLR 25, 2024, §3; Yao et al., "Yes, but did it work?", ICML 2018).
 */
public enum KhatReading {
    /** k̂ &lt; 0.5: the importance weights have finite variance; q is a good approximation. */
    GOOD,
    /** 0.5 ≤ k̂ ≤ 0.7: usable, the PSIS estimate converges at a practical rate. */
    USABLE,
    /** k̂ &gt; 0.7 (or not finite): q is unreliable; importance-sampling corrections are too. */
    UNRELIABLE;

    /** The reading of a k̂ value. */
    public static KhatReading of(double khat) {
        if (khat < 0.5) {
            return GOOD;
        }
        return khat <= 0.7 ? USABLE : UNRELIABLE;
    }

    /** A short explanation for summaries. */
    public String explanation() {
        return switch (this) {
            case GOOD -> "good (k̂ < 0.5)";
            case USABLE -> "usable (0.5 ≤ k̂ ≤ 0.7)";
            case UNRELIABLE -> "unreliable (k̂ > 0.7): the approximation misses mass the posterior has";
        };
    }
}
