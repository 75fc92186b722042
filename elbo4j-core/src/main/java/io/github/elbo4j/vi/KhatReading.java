package io.github.elbo4j.vi;

import io.github.elbo4j.vi.diagnostics.ReliabilityCheck;

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
    UNRELIABLE,
    /**
     * k̂ &gt; 0.7 but the weights are nearly uniform (relative effective sample size at least
     * {@link ReliabilityCheck#NEARLY_UNIFORM}): k̂ is then a noisy fit to a flat tail, and the
     * weights cannot move any expectation, so it does not count against the fit.
     */
    NEARLY_UNIFORM;

    /** The reading of a k̂ value. */
    public static KhatReading of(double khat) {
        if (khat < 0.5) {
            return GOOD;
        }
        return khat <= 0.7 ? USABLE : UNRELIABLE;
    }

    /**
     * The reading of a k̂ value whose importance ratios have the given effective sample size over
     * their number: as {@link #of(double)}, except that a large k̂ of nearly uniform weights reads
     * {@link #NEARLY_UNIFORM}, as {@link ReliabilityCheck} judges it.
     */
    public static KhatReading of(double khat, double relativeEffectiveSampleSize) {
        KhatReading reading = of(khat);
        return reading == UNRELIABLE
                        && !Double.isNaN(khat)
                        && relativeEffectiveSampleSize >= ReliabilityCheck.NEARLY_UNIFORM
                ? NEARLY_UNIFORM
                : reading;
    }

    /** A short explanation for summaries. */
    public String explanation() {
        return switch (this) {
            case GOOD -> "good (k̂ < 0.5)";
            case USABLE -> "usable (0.5 ≤ k̂ ≤ 0.7)";
            case UNRELIABLE -> "unreliable (k̂ > 0.7): the approximation misses mass the posterior has";
            case NEARLY_UNIFORM -> "not informative (k̂ > 0.7 from nearly uniform weights, which move no estimate)";
        };
    }
}
