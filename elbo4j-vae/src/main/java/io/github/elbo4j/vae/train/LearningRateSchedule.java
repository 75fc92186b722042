package io.github.elbo4j.vae.train;

import io.github.elbo4j.data.SettingException;
import java.util.Locale;

/**
 * How Adam's learning rate changes over a run: {@code constant}, or {@code plateau:N[:F]}, which
 * multiplies the rate by F (default {@link #DEFAULT_FACTOR}) once the validation score has not
 * improved (by more than {@link Trainer#MIN_IMPROVEMENT}) for N epochs, counted from the best epoch
 * or from the last reduction, whichever is later (PyTorch's {@code ReduceLROnPlateau} with
 * {@code cooldown=0} and an absolute threshold).
 *
 * <p>Why it matters: at a constant α = 1e-3 Adam keeps the weights jittering around the optimum,
 * and a single reduction to 1e-4 at that point raised the standard model's validation ELBO on
 * binarized MNIST by 2 nats within a few epochs (BENCHMARKS.md, "Quality run").
 *
 * <p>{@link Trainer} applies it as a {@link TrainingListener}: the lowered rate is part of the
 * position that the epoch's checkpoint records.
 *
 * @param epochs N, the epochs without improvement that trigger a reduction (0 for constant)
 * @param factor F in (0, 1), the multiplier of each reduction (1 for constant)
 */
public record LearningRateSchedule(int epochs, double factor) implements TrainingListener {

    /** The rate never changes (rollbacks after divergence still halve it). */
    public static final LearningRateSchedule CONSTANT = new LearningRateSchedule(0, 1);

    /** The multiplier of {@code plateau:N}, as in PyTorch's {@code ReduceLROnPlateau}. */
    public static final double DEFAULT_FACTOR = 0.1;

    /** Validates with messages that name the setting ({@code learningRateSchedule}). */
    public LearningRateSchedule {
        if (epochs == 0 ? factor != 1 : epochs < 1 || !(factor > 0 && factor < 1)) {
            throw new SettingException(
                    "learningRateSchedule plateau:N:F needs N ≥ 1 epochs and a factor F in (0, 1)," + " got N = "
                            + epochs + ", F = " + factor,
                    "learningRateSchedule");
        }
    }

    /** Parses {@code constant}, {@code plateau:N} or {@code plateau:N:F}, as written by {@link #toString()}. */
    public static LearningRateSchedule parse(String spec) {
        String text = spec == null ? "" : spec.strip().toLowerCase(Locale.ROOT);
        if (text.equals("constant")) {
            return CONSTANT;
        }
        String[] parts = text.split(":", -1);
        if (!parts[0].equals("plateau") || parts.length < 2 || parts.length > 3) {
            throw new SettingException(
                    "learningRateSchedule must be constant, plateau:N or plateau:N:F"
                            + " (N epochs without improvement, factor F), got '" + spec + "'",
                    "learningRateSchedule");
        }
        try {
            int n = Integer.parseInt(parts[1]);
            double factor = parts.length == 3 ? Double.parseDouble(parts[2]) : DEFAULT_FACTOR;
            return new LearningRateSchedule(n, factor);
        } catch (NumberFormatException e) {
            throw new SettingException(
                    "learningRateSchedule plateau:N:F needs a whole number of epochs N and a" + " number F, got '"
                            + spec + "'",
                    "learningRateSchedule");
        }
    }

    /** Whether the rate ever changes: a plateau schedule, which needs a validation split. */
    public boolean reducesOnPlateau() {
        return epochs > 0;
    }

    /**
     * Whether to multiply the rate by {@link #factor()} after an epoch that did not improve the
     * validation score, {@code epochsWithoutImprovement} epochs after the best epoch or the last
     * reduction, whichever is later.
     */
    public boolean reducesAfter(int epochsWithoutImprovement) {
        return reducesOnPlateau() && epochsWithoutImprovement >= epochs;
    }

    /** Lowers the rate after an epoch that did not improve, once the plateau is long enough. */
    @Override
    public TrainingPosition beforeCheckpoint(TrainingPosition completed, boolean improved) {
        int since = Math.max(completed.bestEpoch(), completed.learningRateReducedEpoch());
        return !improved && reducesAfter(completed.epoch() - since)
                ? completed.withLearningRateReduced(completed.learningRate() * factor)
                : completed;
    }

    /** {@code constant} or {@code plateau:N:F}; {@link #parse} reads it back. */
    @Override
    public String toString() {
        return reducesOnPlateau() ? "plateau:" + epochs + ":" + factor : "constant";
    }
}
