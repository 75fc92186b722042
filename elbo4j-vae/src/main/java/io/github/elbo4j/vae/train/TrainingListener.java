package io.github.elbo4j.vae.train;

import io.github.elbo4j.vae.model.VaeModel;
import io.github.elbo4j.vae.run.Checkpoint;

/**
 * Observes a training run, and takes part in it: {@link Trainer}'s loop only steps, validates and
 * rolls back, and everything else that happens at an epoch's end is a listener — the plateau
 * schedule ({@link LearningRateSchedule}), the {@code metrics.jsonl} row, the checkpoints and
 * early stopping — called in that order, before the caller's own listener. The CLI draws its
 * progress bar from these calls.
 */
public interface TrainingListener {

    /** A listener that ignores everything. */
    TrainingListener NONE = new TrainingListener() {};

    /** Training starts (or resumes) at {@code completedSteps} of {@code totalSteps}. */
    default void onStart(long totalSteps, long completedSteps) {}

    /** An optimizer step finished with this batch's ELBO and the epoch's throughput so far. */
    default void onStep(long step, double batchElbo, double samplesPerSecond) {}

    /**
     * An epoch has just completed and been validated; returns the position the run goes on from,
     * which the epoch's checkpoint records: {@code completed} itself, or a changed one (a
     * learning-rate schedule lowers the rate here).
     *
     * @param improved whether the epoch improved the validation score (false without a
     *     validation split)
     */
    default TrainingPosition beforeCheckpoint(TrainingPosition completed, boolean improved) {
        return completed;
    }

    /** An epoch ended with this row and checkpoint (in memory); by default {@link #onEpoch}. */
    default void onEpochEnd(EpochEnd end) {
        onEpoch(end.metrics());
    }

    /** An epoch finished; the row was written to {@code metrics.jsonl}. */
    default void onEpoch(EpochMetrics metrics) {}

    /** Whether the run should end after the epoch that brought it to {@code completed}. */
    default boolean stopsAfter(TrainingPosition completed) {
        return false;
    }

    /**
     * A stop was requested ({@link Trainer#requestStop()}) and the run ends at the step boundary
     * that {@code exact} records.
     */
    default void onStopRequested(Checkpoint exact) {}

    /**
     * The run ended (not on request) with {@code model}'s weights, which the listener may replace
     * (early stopping restores the best epoch's).
     */
    default void onFinish(VaeModel model) {}

    /**
     * Non-finite steps at {@code failedAtStep} made the run roll back to step {@code resumedAtStep}
     * (the last completed epoch) with the learning rate halved to {@code learningRate}.
     */
    default void onRollback(long failedAtStep, long resumedAtStep, double learningRate) {}

    /**
     * A plateau schedule lowered the learning rate to {@code learningRate} after epoch
     * {@code epoch}, whose validation score had not improved for the schedule's epochs.
     */
    default void onLearningRateReduced(int epoch, double learningRate) {}
}
