package io.github.elbo4j.vi.diagnostics;

import java.util.List;

/**
 * Whether a fitted posterior can be trusted, and if not, why, in plain words with advice.
 *
 * <p>A fit is reliable only when every check passes: the optimizer's own convergence test held at a
 * finite ELBO no worse than the best seen, every value of q is finite and of sane magnitude, Pareto
 * k̂ of the importance ratios is at most 0.7, the importance weights do not move q's means (see
 * {@link ImportanceShift}), L-BFGS found one mode from several starting points, and q's covariance
 * agrees with the curvature of the log density at its mode (see {@link CovarianceComparison}). Built by {@link ReliabilityCheck}.
 *
 * @param reliable true when no check failed
 * @param reasons one sentence per failed check, each with advice; empty when reliable
 */
public record Reliability(boolean reliable, List<String> reasons) {

    /** Copies the reasons; a reliable verdict has none. */
    public Reliability {
        reasons = List.copyOf(reasons);
        if (reliable != reasons.isEmpty()) {
            throw new IllegalArgumentException("a verdict is reliable exactly when it has no reasons");
        }
    }

    /** The verdict of a list of failed checks. */
    public static Reliability of(List<String> reasons) {
        return new Reliability(reasons.isEmpty(), reasons);
    }

    /** One line: {@code reliable} or {@code UNRELIABLE: reason; reason}. */
    @Override
    public String toString() {
        return reliable ? "reliable" : "UNRELIABLE: " + String.join("; ", reasons);
    }
}
