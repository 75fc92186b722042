package io.github.elbo4j.cli;

import io.github.elbo4j.vae.EpochMetrics;
import io.github.elbo4j.vae.TrainingListener;
import java.io.PrintWriter;

/** Draws training progress: steps, throughput, ETA, the batch ELBO, and each epoch's summary. */
final class TrainingProgress extends Progress implements TrainingListener {

    private final PrintWriter notices;
    private long totalSteps;

    /** Rollbacks and learning-rate reductions are announced on {@code notices} (standard error). */
    TrainingProgress(PrintWriter notices) {
        super("train", "steps");
        this.notices = notices;
    }

    @Override
    public void onStart(long total, long completedSteps) {
        totalSteps = total;
        progress(completedSteps, total);
    }

    @Override
    public void onStep(long step, double batchElbo, double samplesPerSecond) {
        progress(step, totalSteps);
        message(String.format(" ELBO %.2f, %.0f samples/s", batchElbo, samplesPerSecond));
    }

    @Override
    public void onRollback(long failedAtStep, long resumedAtStep, double learningRate) {
        notices.printf("elbo4j: non-finite steps at step %d; rolled back to step %d with learning rate %.3g%n",
                failedAtStep, resumedAtStep, learningRate);
    }

    @Override
    public void onLearningRateReduced(int epoch, double learningRate) {
        notices.printf("elbo4j: no validation improvement by epoch %d; learning rate lowered to %.3g%n", epoch,
                learningRate);
    }

    @Override
    public void onEpoch(EpochMetrics m) {
        message(String.format(" epoch %d: ELBO %.2f, valid %.2f", m.epoch(), m.elbo(), m.validElbo()));
    }
}
