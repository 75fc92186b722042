package io.github.elbo4j.vae;

/**
 * How a VAE is trained: Adam on minibatches of a {@link TrainingObjective} (by default the
 * reparameterized single-sample ELBO with analytic KL).
 *
 * @param epochs passes over the training set
 * @param batchSize examples per step
 * @param learningRate Adam step size α
 * @param seed seeds initialization, shuffling and noise (see {@link Seeds})
 * @param objective what each step maximizes (β, KL schedule, free bits, ELBO or IWAE)
 */
public record TrainingConfig(int epochs, int batchSize, double learningRate, long seed, TrainingObjective objective) {

    /** Validates with messages that name the command-line option to change. */
    public TrainingConfig {
        if (epochs < 1) {
            throw new IllegalArgumentException("--epochs must be at least 1, got " + epochs);
        }
        if (batchSize < 1) {
            throw new IllegalArgumentException("--batch-size must be at least 1, got " + batchSize);
        }
        if (!(learningRate > 0) || Double.isInfinite(learningRate)) {
            throw new IllegalArgumentException("--lr must be a positive number, got " + learningRate);
        }
        if (objective == null) {
            throw new IllegalArgumentException("a training objective is required (TrainingObjective.ELBO for the plain ELBO)");
        }
    }

    /** Training on the plain ELBO ({@link TrainingObjective#ELBO}). */
    public TrainingConfig(int epochs, int batchSize, double learningRate, long seed) {
        this(epochs, batchSize, learningRate, seed, TrainingObjective.ELBO);
    }
}
