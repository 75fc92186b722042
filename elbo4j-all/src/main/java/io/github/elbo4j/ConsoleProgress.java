package io.github.elbo4j;

import io.github.elbo4j.vae.train.EpochMetrics;
import io.github.elbo4j.vae.train.TrainingListener;
import java.io.PrintStream;
import java.util.Locale;
import java.util.Objects;

/**
 * Training progress as plain lines, for a program's console or log: a line every few seconds
 * within an epoch (step, percentage, batch ELBO, throughput) and one per finished epoch (training
 * and validation ELBO, time). Plain lines, not a redrawn bar, so the output reads the same in a
 * terminal, a redirected file and a CI log. The command line's bar is {@code elbo4j train}'s own.
 */
public final class ConsoleProgress implements TrainingListener {

    /** At most one step line per this many nanoseconds, so a fast run does not flood the console. */
    private static final long STEP_LINE_NANOS = 5_000_000_000L;

    private final PrintStream out;
    private long totalSteps;
    private long lastLine;

    /** Progress lines on {@code out}. */
    public ConsoleProgress(PrintStream out) {
        this.out = Objects.requireNonNull(out, "out");
    }

    /** Progress lines on standard error, leaving standard output to the program's results. */
    public static ConsoleProgress toStandardError() {
        return new ConsoleProgress(System.err);
    }

    @Override
    public void onStart(long totalSteps, long completedSteps) {
        this.totalSteps = totalSteps;
        lastLine = System.nanoTime();
        out.printf(
                Locale.ROOT,
                "training: %d steps%s%n",
                totalSteps,
                completedSteps > 0 ? ", resuming after step " + completedSteps : "");
    }

    @Override
    public void onStep(long step, double batchElbo, double samplesPerSecond) {
        long now = System.nanoTime();
        if (now - lastLine >= STEP_LINE_NANOS) {
            lastLine = now;
            out.printf(
                    Locale.ROOT,
                    "step %d/%d (%.0f%%)  batch ELBO %.2f  %.0f samples/s%n",
                    step,
                    totalSteps,
                    100.0 * step / Math.max(1, totalSteps),
                    batchElbo,
                    samplesPerSecond);
        }
    }

    @Override
    public void onEpoch(EpochMetrics m) {
        lastLine = System.nanoTime();
        String valid =
                Double.isNaN(m.validElbo()) ? "" : String.format(Locale.ROOT, "  valid ELBO %.2f", m.validElbo());
        out.printf(
                Locale.ROOT,
                "epoch %d  ELBO %.2f%s  %.1f s  %.0f samples/s%n",
                m.epoch(),
                m.elbo(),
                valid,
                m.seconds(),
                m.samplesPerS());
    }

    @Override
    public void onRollback(long failedAtStep, long resumedAtStep, double learningRate) {
        out.printf(
                Locale.ROOT,
                "non-finite steps at step %d: back to step %d with learning rate %.3g%n",
                failedAtStep,
                resumedAtStep,
                learningRate);
    }

    @Override
    public void onLearningRateReduced(int epoch, double learningRate) {
        out.printf(
                Locale.ROOT,
                "no validation improvement: learning rate lowered to %.3g after epoch %d%n",
                learningRate,
                epoch);
    }
}
