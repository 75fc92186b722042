package io.github.elbo4j.cli;

import io.github.elbo4j.vae.EpochMetrics;
import io.github.elbo4j.vae.TrainingListener;

/** Draws training progress: steps, throughput, ETA, the batch ELBO, and each epoch's summary. */
final class TrainingProgress extends Progress implements TrainingListener {

    private long totalSteps;

    TrainingProgress() {
        super("train", "steps");
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
        System.err.printf("elbo4j: non-finite steps at step %d; rolled back to step %d with learning rate %.3g%n",
                failedAtStep, resumedAtStep, learningRate);
    }

    @Override
    public void onEpoch(EpochMetrics m) {
        message(String.format(" epoch %d: ELBO %.2f, valid %.2f", m.epoch(), m.elbo(), m.validElbo()));
    }
}
