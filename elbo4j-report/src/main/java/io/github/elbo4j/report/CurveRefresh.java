package io.github.elbo4j.report;

import io.github.elbo4j.vae.run.RunDirectory;
import io.github.elbo4j.vae.train.EpochMetrics;
import io.github.elbo4j.vae.train.TrainingListener;
import java.io.PrintStream;

/**
 * A training listener that redraws {@code RUN/plots/curves.png} every few epochs, so that a
 * long run can be watched, and passes every event on to another listener. A failure to draw is
 * reported once per epoch on the given stream and never stops training: the curves are a view,
 * the checkpoints and metrics are the record.
 */
public final class CurveRefresh implements TrainingListener {

    private final TrainingListener delegate;
    private final RunDirectory run;
    private final int everyEpochs;
    private final PrintStream warnings;

    /** Redraws after every {@code everyEpochs}-th epoch and forwards all events to {@code delegate}. */
    public CurveRefresh(TrainingListener delegate, RunDirectory run, int everyEpochs, PrintStream warnings) {
        if (everyEpochs < 1) {
            throw new IllegalArgumentException("everyEpochs must be at least 1, got " + everyEpochs);
        }
        this.delegate = delegate;
        this.run = run;
        this.everyEpochs = everyEpochs;
        this.warnings = warnings;
    }

    @Override
    public void onStart(long totalSteps, long completedSteps) {
        delegate.onStart(totalSteps, completedSteps);
    }

    @Override
    public void onStep(long step, double batchElbo, double samplesPerSecond) {
        delegate.onStep(step, batchElbo, samplesPerSecond);
    }

    @Override
    public void onEpoch(EpochMetrics metrics) {
        delegate.onEpoch(metrics);
        if (metrics.epoch() % everyEpochs == 0) {
            try {
                RunArtifacts.writeCurves(run);
            } catch (RuntimeException e) {
                warnings.println("elbo4j: could not redraw "
                        + run.plotsDirectory().resolve(TrainingCurves.FILE) + ": " + e.getMessage());
            }
        }
    }

    @Override
    public void onRollback(long failedAtStep, long resumedAtStep, double learningRate) {
        delegate.onRollback(failedAtStep, resumedAtStep, learningRate);
    }

    @Override
    public void onLearningRateReduced(int epoch, double learningRate) {
        delegate.onLearningRateReduced(epoch, learningRate);
    }
}
