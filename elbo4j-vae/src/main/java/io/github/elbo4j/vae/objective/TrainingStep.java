package io.github.elbo4j.vae.objective;

import io.github.elbo4j.vae.internal.FusedElboStep;
import io.github.elbo4j.vae.train.TrainingConfig;

/**
 * One training step of a {@link TrainingObjective} on a minibatch: the objective's gradient with
 * respect to the model's flat parameters, and the batch's plain ELBO (β = 1, no free bits) for
 * reporting. A step is bound to one model, whose current parameters it reads at each call.
 *
 * <p>Two implementations compute the same loss and gradient from the same noise: {@link ElboStep}
 * through the engine's autograd, for every model, and {@link FusedElboStep} on JVM arrays, for the
 * models and objectives it supports. {@link StepFactory#trainingStep} chooses, once per run; nothing
 * else decides between them.
 */
public interface TrainingStep extends AutoCloseable {

    /**
     * Computes one step.
     *
     * @param x the batch, row-major [batch, inputSize]
     * @param condition one-hot conditions [batch, C] of a conditional model, else null
     * @param noise standard normal noise, row-major [particles, batch, latent]
     * @param batch number of examples B
     * @param klWeight w = β·a(t), the weight of the KL term at this step
     * @param normalPriorWarmup whether a VampPrior model's objective takes its KL against N(0, I)
     *     instead of the VampPrior (see {@link TrainingConfig#priorWarmupEpochs()}); the reported
     *     ELBO and KL stay those against the VampPrior
     * @param gradient receives the gradient of the loss −(1/B) Σ_b L(x_b), in the model's layout
     * @return the batch's summed plain ELBO, reconstruction and KL, with a NaN ELBO when some
     *     gradient entry is not finite
     */
    BatchElbo compute(
            float[] x,
            float[] condition,
            float[] noise,
            int batch,
            double klWeight,
            boolean normalPriorWarmup,
            float[] gradient);

    /** Releases the step's threads, if it has any. */
    @Override
    default void close() {}
}
