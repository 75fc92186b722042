package io.github.elbo4j.vae.train;

import io.github.elbo4j.data.SettingException;
import io.github.elbo4j.vae.objective.TrainingObjective;

/**
 * How a VAE is trained: Adam on minibatches of a {@link TrainingObjective} (by default the
 * reparameterized single-sample ELBO with analytic KL).
 *
 * @param epochs passes over the training set
 * @param batchSize examples per step
 * @param learningRate Adam step size α
 * @param seed seeds initialization, shuffling and noise (see {@link Seeds})
 * @param objective what each step maximizes (β, KL schedule, free bits, ELBO or IWAE)
 * @param priorWarmupEpochs for a VampPrior model, the first epochs whose training objective takes
 *     its KL against N(0, I) instead of the VampPrior (the reported ELBO is always the VampPrior's);
 *     ignored under the normal prior. The standard MLP starts on a plateau where the decoder models
 *     only the mean image; N(0, I) holds the encoder's scale while the model leaves it, whereas the
 *     VampPrior, a mixture of the encoder's own posteriors, lets every posterior variance shrink
 *     together and then pulls the means together with a force ∝ 1/σ², and the posterior collapses
 *     (BENCHMARKS.md, "VampPrior"). Default {@link #DEFAULT_PRIOR_WARMUP_EPOCHS}.
 * @param patience early stopping: training ends once the validation score (the ELBO, or the IWAE-K
 *     bound of an IWAE objective) has not improved for this many epochs, and the model keeps the weights of its best epoch; 0 trains every epoch and keeps
 *     the last. Needs a validation split.
 * @param learningRateSchedule how the learning rate changes: {@link LearningRateSchedule#CONSTANT},
 *     or reduced on a plateau of the validation score (needs a validation split)
 */
public record TrainingConfig(
        int epochs,
        int batchSize,
        double learningRate,
        long seed,
        TrainingObjective objective,
        int priorWarmupEpochs,
        int patience,
        LearningRateSchedule learningRateSchedule) {

    /** Epochs of N(0, I) KL before the VampPrior takes over (see {@link #priorWarmupEpochs()}). */
    public static final int DEFAULT_PRIOR_WARMUP_EPOCHS = 1;

    /** Validates with messages that name the setting to change. */
    public TrainingConfig {
        if (epochs < 1) {
            throw new SettingException("epochs must be at least 1, got " + epochs, "epochs");
        }
        if (batchSize < 1) {
            throw new SettingException("batchSize must be at least 1, got " + batchSize, "batchSize");
        }
        if (!(learningRate > 0) || Double.isInfinite(learningRate)) {
            throw new SettingException("learningRate must be a positive number, got " + learningRate, "learningRate");
        }
        if (objective == null) {
            throw new IllegalArgumentException(
                    "a training objective is required (TrainingObjective.ELBO for the plain ELBO)");
        }
        if (priorWarmupEpochs < 0) {
            throw new SettingException(
                    "priorWarmupEpochs must be a number of epochs ≥ 0, got " + priorWarmupEpochs, "priorWarmupEpochs");
        }
        if (patience < 0) {
            throw new SettingException(
                    "patience must be a number of epochs ≥ 0 (0 turns early stopping off), got " + patience,
                    "patience");
        }
        if (learningRateSchedule == null) {
            throw new IllegalArgumentException("a learning-rate schedule is required (LearningRateSchedule.CONSTANT)");
        }
        if (patience > 0 && learningRateSchedule.reducesOnPlateau() && patience <= learningRateSchedule.epochs()) {
            throw new SettingException(
                    "patience " + patience + " would stop training before learningRateSchedule "
                            + learningRateSchedule + " ever lowers the learning rate; make patience larger than "
                            + learningRateSchedule.epochs(),
                    "patience",
                    "learningRateSchedule");
        }
    }

    /** Training at a constant learning rate. */
    public TrainingConfig(
            int epochs,
            int batchSize,
            double learningRate,
            long seed,
            TrainingObjective objective,
            int priorWarmupEpochs,
            int patience) {
        this(
                epochs,
                batchSize,
                learningRate,
                seed,
                objective,
                priorWarmupEpochs,
                patience,
                LearningRateSchedule.CONSTANT);
    }

    /** Training without early stopping. */
    public TrainingConfig(
            int epochs,
            int batchSize,
            double learningRate,
            long seed,
            TrainingObjective objective,
            int priorWarmupEpochs) {
        this(epochs, batchSize, learningRate, seed, objective, priorWarmupEpochs, 0);
    }

    /** Whether training stops early on the validation ELBO ({@link #patience()} > 0). */
    public boolean stopsEarly() {
        return patience > 0;
    }

    /** Training with the default prior warm-up ({@link #DEFAULT_PRIOR_WARMUP_EPOCHS}). */
    public TrainingConfig(int epochs, int batchSize, double learningRate, long seed, TrainingObjective objective) {
        this(epochs, batchSize, learningRate, seed, objective, DEFAULT_PRIOR_WARMUP_EPOCHS);
    }

    /** Training on the plain ELBO ({@link TrainingObjective#ELBO}). */
    public TrainingConfig(int epochs, int batchSize, double learningRate, long seed) {
        this(epochs, batchSize, learningRate, seed, TrainingObjective.ELBO);
    }
}
