package io.github.elbo4j.vae.train;

import com.fasterxml.jackson.annotation.JsonAlias;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import io.github.elbo4j.vae.objective.BatchElbo;
import io.github.elbo4j.vae.run.Checkpoint;
import io.soabase.recordbuilder.core.RecordBuilder;

/**
 * Where a training run stands, to the step: everything besides the tensors that a resumed run
 * needs to continue exactly as the uninterrupted run would have, including the running sums of the
 * epoch in progress (so its {@code metrics.jsonl} row comes out the same).
 *
 * @param epoch epochs completed
 * @param batchesIntoEpoch batches of the next epoch already done
 * @param step optimizer steps taken (including skipped ones)
 * @param learningRate current learning rate (halved by each rollback)
 * @param bestValidation best validation score so far (−∞ when none): the plain ELBO, or the IWAE-K
 *     bound for an IWAE objective (see {@link Trainer})
 * @param bestEpoch the epoch that reached {@code bestValidation} (0 when none): where early stopping
 *     counts its patience from
 * @param learningRateReducedEpoch the epoch after which a plateau schedule last lowered the learning
 *     rate (0 when never): with {@code bestEpoch}, where the schedule counts its epochs from
 * @param elapsedSeconds wall time of completed epochs
 * @param epochElbo sum of batch ELBOs in the epoch in progress
 * @param epochRecon sum of reconstruction terms in the epoch in progress
 * @param epochKl sum of KL terms in the epoch in progress
 * @param epochExamples examples that contributed to those sums
 * @param epochSeconds wall time spent in the epoch in progress
 * @param skippedSteps steps skipped so far because they were not finite
 * @param rollbacks rollbacks to the last good state so far
 *
 * <p>This record is the only copy of the training state: {@link Trainer} steps it with the
 * withers below, and a checkpoint stores its components under their snake_case names (see
 * {@link Checkpoint}), so a new component is saved and restored with no further edit. The withers
 * name only the components they change: they copy the rest with the builder that
 * {@code @RecordBuilder} generates at compile time ({@code TrainingPositionBuilder}), so a new
 * component is one edit here plus its use (its initial value in {@link #start} if not zero).
 */
@RecordBuilder
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record TrainingPosition(
        int epoch,
        int batchesIntoEpoch,
        long step,
        double learningRate,
        // Checkpoints written before IWAE runs validated on their own bound called it the ELBO.
        @JsonAlias("best_valid_elbo") double bestValidation,
        int bestEpoch,
        @JsonProperty("lr_reduced_epoch") int learningRateReducedEpoch,
        double elapsedSeconds,
        double epochElbo,
        double epochRecon,
        double epochKl,
        int epochExamples,
        double epochSeconds,
        long skippedSteps,
        int rollbacks)
        implements TrainingPositionBuilder.With {

    /** The position of a run that has not started: every component zero but these two. */
    public static TrainingPosition start(double learningRate) {
        return TrainingPositionBuilder.builder()
                .learningRate(learningRate)
                .bestValidation(Double.NEGATIVE_INFINITY)
                .build();
    }

    /** After an optimizer step of {@code rows} examples whose ELBO terms were {@code sums}. */
    TrainingPosition afterStep(int rows, BatchElbo sums) {
        return with(b -> b.epochElbo(epochElbo + sums.elbo())
                .epochRecon(epochRecon + sums.reconstruction())
                .epochKl(epochKl + sums.kl())
                .epochExamples(epochExamples + rows));
    }

    /** One batch further into the epoch, one step further (taken or skipped). */
    TrainingPosition nextBatch() {
        return with(b -> b.batchesIntoEpoch(batchesIntoEpoch + 1).step(step + 1));
    }

    /** With one more step skipped because it was not finite. */
    TrainingPosition withSkippedStep() {
        return withSkippedSteps(skippedSteps + 1);
    }

    /** With {@code seconds} more of wall time spent in the epoch in progress. */
    TrainingPosition plusEpochSeconds(double seconds) {
        return withEpochSeconds(epochSeconds + seconds);
    }

    /** With {@code validation} as the best score, reached by the last completed epoch. */
    TrainingPosition withBest(double validation) {
        return with(b -> b.bestValidation(validation).bestEpoch(epoch));
    }

    /**
     * The epoch in progress completed after {@code seconds} of wall time (its steps and its
     * validation): its sums start over.
     */
    TrainingPosition completeEpoch(double seconds) {
        return with(b -> b.epoch(epoch + 1)
                .batchesIntoEpoch(0)
                .elapsedSeconds(elapsedSeconds + seconds)
                .epochElbo(0)
                .epochRecon(0)
                .epochKl(0)
                .epochExamples(0)
                .epochSeconds(0));
    }

    /** With the learning rate lowered to {@code rate} after the last completed epoch. */
    TrainingPosition withLearningRateReduced(double rate) {
        return with(b -> b.learningRate(rate).learningRateReducedEpoch(epoch));
    }

    /**
     * This (earlier) position resumed after a rollback from {@code failed}: the rate is halved and
     * the fault counts carry over from the failed attempt.
     */
    TrainingPosition rolledBackFrom(TrainingPosition failed) {
        return with(b -> b.learningRate(failed.learningRate / 2)
                .skippedSteps(failed.skippedSteps)
                .rollbacks(failed.rollbacks + 1));
    }
}
