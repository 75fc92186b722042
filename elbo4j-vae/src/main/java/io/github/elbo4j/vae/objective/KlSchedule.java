package io.github.elbo4j.vae.objective;

import io.github.elbo4j.data.SettingException;
import java.util.Locale;

/**
 * A KL annealing schedule: the factor a(t) ∈ [0, 1] that multiplies the KL term at optimizer step
 * t (0-based), so the training objective is E_q[log p(x|z)] − β·a(t)·KL(q(z|x) ‖ p(z)).
 *
 * <ul>
 *   <li>{@code constant}: a(t) = 1.
 *   <li>{@code linear:N}: a warm-up over N epochs (Bowman et al. 2016),
 *       a(t) = min(1, (t + 1) / (N·S)) with S steps per epoch, so a = e/N exactly after epoch e.
 *   <li>{@code cyclical:N}: the cyclical schedule of Fu et al. 2019 ("Cyclical Annealing
 *       Schedule", NAACL) with cycles of N epochs and ramp ratio R = 0.5: within each cycle of
 *       T = N·S steps, τ = ((t mod T) + 1) / T and a(t) = min(1, τ / 0.5) — a linear ramp over the
 *       first half of the cycle, then 1 for the second half.
 * </ul>
 *
 * <p>a(t) is a pure function of (t, S), so the schedule's position is the step count that every
 * checkpoint already holds, and a resumed run continues the schedule exactly.
 *
 * @param kind the shape of the schedule
 * @param epochs N, the warm-up length or the cycle length in epochs (0 for {@code constant})
 */
public record KlSchedule(Kind kind, int epochs) {

    /** The schedule shapes. */
    public enum Kind {
        /** No annealing. */
        CONSTANT,
        /** Linear warm-up, then 1. */
        LINEAR,
        /** Repeated linear ramps over half of each cycle (Fu et al. 2019). */
        CYCLICAL
    }

    /** No annealing: a(t) = 1. */
    public static final KlSchedule CONSTANT = new KlSchedule(Kind.CONSTANT, 0);

    /** Ramp ratio R of the cyclical schedule: the fraction of a cycle spent increasing. */
    public static final double CYCLICAL_RAMP_FRACTION = 0.5;

    /** Validates with messages that name the setting ({@code klSchedule}). */
    public KlSchedule {
        if (kind == null) {
            throw new SettingException("klSchedule needs a kind: constant, linear:N or cyclical:N", "klSchedule");
        }
        if (kind == Kind.CONSTANT ? epochs != 0 : epochs < 1) {
            throw new SettingException(
                    "klSchedule " + kind.name().toLowerCase(Locale.ROOT) + ":N needs N ≥ 1 epochs, got " + epochs,
                    "klSchedule");
        }
    }

    /**
     * Parses {@code constant}, {@code linear:N} or {@code cyclical:N} (N a positive number of
     * epochs), as written by {@link #toString()}.
     */
    public static KlSchedule parse(String spec) {
        String text = spec == null ? "" : spec.strip().toLowerCase(Locale.ROOT);
        if (text.equals("constant") || text.equals("none")) {
            return CONSTANT;
        }
        int colon = text.indexOf(':');
        String name = colon < 0 ? text : text.substring(0, colon);
        Kind kind = switch (name) {
            case "linear" -> Kind.LINEAR;
            case "cyclical" -> Kind.CYCLICAL;
            default ->
                throw new SettingException(
                        "klSchedule must be constant, linear:N or cyclical:N" + " (N epochs), got '" + spec + "'",
                        "klSchedule");
        };
        if (colon < 0) {
            throw new SettingException(
                    "klSchedule " + name + " needs a length in epochs, e.g. " + name + ":10; got '" + spec + "'",
                    "klSchedule");
        }
        int n;
        try {
            n = Integer.parseInt(text.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw new SettingException(
                    "klSchedule " + name + ":N needs a whole number of epochs N," + " got '" + spec + "'",
                    "klSchedule");
        }
        return new KlSchedule(kind, n);
    }

    /** The factor a(t) for 0-based step {@code step} with {@code stepsPerEpoch} steps per epoch. */
    public double factor(long step, int stepsPerEpoch) {
        if (stepsPerEpoch < 1) {
            throw new IllegalArgumentException("steps per epoch must be positive, got " + stepsPerEpoch);
        }
        long length = (long) epochs * stepsPerEpoch;
        return switch (kind) {
            case CONSTANT -> 1.0;
            case LINEAR -> Math.min(1.0, (step + 1) / (double) length);
            case CYCLICAL -> Math.min(1.0, ((step % length) + 1) / (double) length / CYCLICAL_RAMP_FRACTION);
        };
    }

    /** {@code constant}, {@code linear:N} or {@code cyclical:N}; {@link #parse} reads it back. */
    @Override
    public String toString() {
        return kind == Kind.CONSTANT ? "constant" : kind.name().toLowerCase(Locale.ROOT) + ":" + epochs;
    }
}
