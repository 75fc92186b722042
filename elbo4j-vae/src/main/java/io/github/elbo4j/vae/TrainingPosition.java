package io.github.elbo4j.vae;

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
 */
public record TrainingPosition(
        int epoch,
        int batchesIntoEpoch,
        long step,
        double learningRate,
        double bestValidation,
        int bestEpoch,
        int learningRateReducedEpoch,
        double elapsedSeconds,
        double epochElbo,
        double epochRecon,
        double epochKl,
        int epochExamples,
        double epochSeconds,
        long skippedSteps,
        int rollbacks) {

    /** The position of a run that has not started. */
    public static TrainingPosition start(double learningRate) {
        return new TrainingPosition(0, 0, 0, learningRate, Double.NEGATIVE_INFINITY, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);
    }
}
