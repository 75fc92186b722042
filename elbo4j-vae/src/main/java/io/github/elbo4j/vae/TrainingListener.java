package io.github.elbo4j.vae;

/** Observes a training run; the CLI draws its progress bar from these calls. */
public interface TrainingListener {

    /** A listener that ignores everything. */
    TrainingListener NONE = new TrainingListener() {};

    /** Training starts (or resumes) at {@code completedSteps} of {@code totalSteps}. */
    default void onStart(long totalSteps, long completedSteps) {}

    /** An optimizer step finished with this batch's ELBO and the epoch's throughput so far. */
    default void onStep(long step, double batchElbo, double samplesPerSecond) {}

    /** An epoch finished; the row was written to {@code metrics.jsonl}. */
    default void onEpoch(EpochMetrics metrics) {}

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
