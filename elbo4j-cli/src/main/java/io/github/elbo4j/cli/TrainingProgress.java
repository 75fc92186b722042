package io.github.elbo4j.cli;

import io.github.elbo4j.vae.train.EpochMetrics;
import io.github.elbo4j.vae.train.TrainingListener;
import java.io.PrintWriter;
import java.util.Locale;

/**
 * Draws training progress: a live bar of steps, throughput, ETA and the batch ELBO, and above it
 * one line per epoch that stays, as Keras and PyTorch's examples print them.
 */
final class TrainingProgress extends Progress implements TrainingListener {

    private final int epochs;
    private final PrintWriter notices;
    private long totalSteps;
    private long epochStartNanos = System.nanoTime();

    /** Progress of a run of {@code epochs} epochs in all; rollbacks and learning-rate reductions go to {@code notices}. */
    TrainingProgress(int epochs, PrintWriter notices) {
        super("train", "steps");
        this.epochs = epochs;
        this.notices = notices;
    }

    @Override
    public void onStart(long total, long completedSteps) {
        totalSteps = total;
        epochStartNanos = System.nanoTime();
        resumeAt(completedSteps);
        progress(completedSteps, total);
    }

    @Override
    public void onStep(long step, double batchElbo, double samplesPerSecond) {
        progress(step, totalSteps);
        message(String.format(Locale.ROOT, "ELBO %.2f", batchElbo));
    }

    @Override
    public void onRollback(long failedAtStep, long resumedAtStep, double learningRate) {
        println(
                notices,
                String.format(
                        Locale.ROOT,
                        "elbo4j: non-finite steps at step %d; rolled back to step %d with learning rate %.3g",
                        failedAtStep,
                        resumedAtStep,
                        learningRate));
    }

    @Override
    public void onLearningRateReduced(int epoch, double learningRate) {
        println(
                notices,
                String.format(
                        Locale.ROOT,
                        "elbo4j: no validation improvement by epoch %d; learning rate lowered to %.3g",
                        epoch,
                        learningRate));
    }

    @Override
    public void onEpoch(EpochMetrics m) {
        long now = System.nanoTime();
        println(epochLine(m, epochs, (now - epochStartNanos) / 1e9));
        epochStartNanos = now;
    }

    /** {@code epoch 3/60: ELBO -120.45 (recon -100.12, KL 20.33), valid -118.20, 4.1 s}. */
    static String epochLine(EpochMetrics m, int epochs, double seconds) {
        StringBuilder line = new StringBuilder(String.format(
                Locale.ROOT,
                "epoch %d/%d: ELBO %.2f (recon %.2f, KL %.2f)",
                m.epoch(),
                epochs,
                m.elbo(),
                m.recon(),
                m.kl()));
        if (Double.isFinite(m.validElbo())) {
            line.append(String.format(Locale.ROOT, ", valid %.2f", m.validElbo()));
        }
        if (Double.isFinite(m.validIwae())) {
            line.append(String.format(Locale.ROOT, ", valid IWAE %.2f", m.validIwae()));
        }
        return line.append(String.format(Locale.ROOT, ", %.1f s", seconds)).toString();
    }
}
