package io.github.elbo4j.vae.train;

/**
 * Outcome of {@link Trainer#train}.
 *
 * @param epochs epochs completed
 * @param steps optimizer steps completed
 * @param elbo training ELBO of the last epoch (nats per example)
 * @param validElbo validation ELBO after the last epoch (NaN without a validation split)
 * @param bestValidation best validation score of the run, the plain ELBO or the IWAE-K bound of an
 *     IWAE objective (NaN without a validation split)
 * @param bestEpoch the epoch of {@code bestValidation} (0 without a validation split)
 * @param samplesPerS mean training throughput of this invocation, validation excluded
 * @param seconds training wall time, including earlier invocations of a resumed run
 * @param skippedSteps steps skipped because the loss or gradient was not finite
 * @param rollbacks rollbacks to the last completed epoch with a halved learning rate
 * @param stopped whether the run stopped early on request, with a checkpoint of its position
 * @param stoppedEarly whether early stopping ended the run (see {@link TrainingConfig#patience()})
 */
public record TrainingResult(
        int epochs,
        long steps,
        double elbo,
        double validElbo,
        double bestValidation,
        int bestEpoch,
        double samplesPerS,
        double seconds,
        long skippedSteps,
        int rollbacks,
        boolean stopped,
        boolean stoppedEarly) {}
