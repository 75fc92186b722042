package io.github.elbo4j.vae;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import io.github.elbo4j.distributions.DiagonalNormal;
import io.github.elbo4j.distributions.Distribution;
import io.github.elbo4j.distributions.StandardNormal;
import io.github.elbo4j.math.LogSumExp;
import io.github.elbo4j.math.SpecialFunctions;
import io.github.elbo4j.math.TensorUpload;

/**
 * One training step of a {@link TrainingObjective} on a minibatch: the objective's gradient with
 * respect to the flat parameters, and the batch's plain ELBO (β = 1, no free bits) for reporting.
 *
 * <p>Each step differentiates into a fresh <em>replica</em>: an autograd leaf that shares the
 * model's parameter storage, owned by the step's scope. The gradient therefore never needs zeroing
 * between steps (the engine would otherwise accumulate it), a skipped non-finite step leaves
 * nothing behind, and the optimizer updates the storage that every later replica sees.
 */
final class ElboStep {

    private final VaeModel model;
    private final TrainingObjective objective;
    private final TensorUpload upload = new TensorUpload();

    ElboStep(VaeModel model, TrainingObjective objective) {
        this.model = model;
        this.objective = objective;
    }

    /**
     * The batch's summed plain ELBO, reconstruction and analytic KL, and the gradient of the loss
     * −(1/B) Σ L(x) of the objective.
     */
    record Result(double elbo, double reconstruction, double kl, NDArray gradient) {}

    /**
     * Computes one step; the gradient and every temporary belong to {@code scope}.
     *
     * @param x the batch, row-major [batch, inputSize]
     * @param noise standard normal noise, row-major [particles, batch, latent]
     * @param batch number of examples B
     * @param klWeight w = β·a(t), the weight of the KL term at this step
     * @param condition one-hot conditions [batch, C] of a conditional model, else null
     */
    Result compute(float[] x, float[] noise, int batch, double klWeight, float[] condition, NDManager scope) {
        return compute(x, noise, batch, klWeight, condition, false, scope);
    }

    /**
     * As {@link #compute(float[], float[], int, double, float[], NDManager)}; with
     * {@code normalPriorWarmup} a VampPrior model's objective takes its KL against N(0, I) instead
     * of the VampPrior (analytic for the ELBO, the standard normal density in the IWAE weights),
     * while the reported ELBO and KL stay those against the VampPrior. See
     * {@link TrainingConfig#priorWarmupEpochs()}.
     */
    Result compute(float[] x, float[] noise, int batch, double klWeight, float[] condition, boolean normalPriorWarmup,
            NDManager scope) {
        NDArray replica = model.parameters().stopGradient();
        replica.attach(scope);
        replica.setRequiresGradient(true);
        float[] sums;
        // Activations and the graph live in their own scope, freed before the optimizer runs.
        try (NDManager forward = scope.newSubManager();
                GradientCollector collector = Engine.getInstance().newGradientCollector()) {
            int latent = model.config().latent();
            NDArray xs = upload.upload(forward, x, new Shape(batch, model.config().inputSize()));
            NDArray eps = upload.upload(forward, noise, new Shape(objective.particles(), batch, latent));
            VaeNetwork network = model.bind(forward, replica);
            if (condition != null) {
                network = network.conditioned(upload.upload(forward, condition,
                        new Shape(batch, model.config().conditions())));
            }
            DiagonalNormal posterior = network.encode(xs);
            NDArray z = posterior.rsample(eps);
            NDArray logLik = network.likelihood(z).logProb(xs); // [K, B]
            NDArray reconstruction = logLik.mean(new int[] {0});
            boolean vamp = model.config().prior() == LatentPrior.VAMP;
            // During the warm-up a VampPrior model trains against N(0, I) but reports its own KL.
            boolean warmingUp = vamp && normalPriorWarmup;
            NDArray klPerDimension = vamp && !warmingUp ? null : klPerDimension(posterior); // [B, D]
            // No closed form against a mixture: (1/K) Σ_k [log q(z_k|x) − log p(z_k)].
            NDArray kl = vamp ? posterior.logProb(z).sub(network.prior().logProb(z)).mean(new int[] {0})
                    : klPerDimension.sum(new int[] {-1});
            NDArray trainingKl = warmingUp ? klPerDimension.sum(new int[] {-1}) : kl;
            Distribution trainingPrior = warmingUp ? new StandardNormal(forward, latent) : network.prior();
            NDArray elbo = reconstruction.sub(kl);
            NDArray objectiveSum = switch (objective.kind()) {
                case ELBO -> elboObjective(reconstruction, trainingKl, klPerDimension, batch, klWeight);
                case IWAE -> {
                    if (objective.gradient() != TrainingObjective.GradientEstimator.DOUBLY_REPARAMETERIZED) {
                        yield iwaeObjective(trainingPrior, posterior, z, logLik, klWeight);
                    }
                    VaeNetwork detached = detached(forward, replica, network);
                    yield doublyReparameterizedSurrogate(network, detached, trainingPrior,
                            warmingUp ? trainingPrior : detached.prior(), posterior, eps, xs);
                }
            };
            sums = NDArrays.stack(new NDList(elbo.sum(), reconstruction.sum(), kl.sum())).toFloatArray();
            collector.backward(objectiveSum.div(SpecialFunctions.scalar(objectiveSum, -batch)));
        }
        NDArray gradient = replica.getGradient();
        gradient.attach(scope);
        return new Result(sums[0], sums[1], sums[2], gradient);
    }

    /** Σ_b log (1/K) Σ_k p(x|z_k) (p(z_k)/q(z_k|x))^w, differentiated as it stands. */
    private static NDArray iwaeObjective(Distribution prior, DiagonalNormal posterior, NDArray z, NDArray logLik,
            double w) {
        NDArray logRatio = prior.logProb(z).sub(posterior.logProb(z));
        NDArray logWeights = logLik.add(logRatio.mul(SpecialFunctions.scalar(logRatio, w)));
        return LogSumExp.logMeanExp(logWeights, 0).sum();
    }

    /**
     * A surrogate whose gradient is the doubly-reparameterized IWAE gradient (Tucker et al. 2018):
     * Σ_b Σ_k [sg(w̃_k) log w_k(θ; sg(z_k)) + sg(w̃_k²) log w_k(sg(θ); z_k(φ))], where q's density in
     * log w is evaluated with its parameters held fixed and sg stops gradients. The first term gives
     * the decoder's gradient, the second the encoder's through the path z_k = μ + σ ⊙ ε_k only. Its
     * value is not the bound; the reported numbers come from the plain ELBO.
     *
     * @param detached the network bound to an alias of the parameters without gradient
     * @param prior p(z) of {@code network}; {@code detachedPrior} that of {@code detached}
     */
    private static NDArray doublyReparameterizedSurrogate(VaeNetwork network, VaeNetwork detached, Distribution prior,
            Distribution detachedPrior, DiagonalNormal posterior, NDArray eps, NDArray xs) {
        DiagonalNormal fixedQ = DiagonalNormal.fromLogVariance(
                posterior.loc().stopGradient(), posterior.logVariance().stopGradient());
        NDArray z = posterior.rsample(eps);
        NDArray zFixed = z.stopGradient();
        NDArray logWeightsDecoder = network.likelihood(zFixed).logProb(xs)
                .add(prior.logProb(zFixed)).sub(fixedQ.logProb(zFixed));
        NDArray logWeightsEncoder = detached.likelihood(z).logProb(xs)
                .add(detachedPrior.logProb(z)).sub(fixedQ.logProb(z));
        NDArray normalized = logWeightsDecoder.stopGradient().softmax(0); // w̃_k over the K particles
        return normalized.mul(logWeightsDecoder).sum()
                .add(normalized.square().mul(logWeightsEncoder).sum());
    }

    /** {@code network} bound to an alias of the parameters that carries no gradient, same condition. */
    private VaeNetwork detached(NDManager scope, NDArray replica, VaeNetwork network) {
        VaeNetwork d = model.bind(scope, replica.stopGradient());
        return network.condition() == null ? d : d.conditioned(network.condition());
    }

    /** Σ_b [recon_b − w·KL_b], or with free bits λ: Σ_b recon_b − w·B·Σ_j max(λ, mean_b KL_bj). */
    private NDArray elboObjective(NDArray reconstruction, NDArray kl, NDArray klPerDimension, int batch, double w) {
        if (objective.freeBits() > 0) {
            NDArray floored = klPerDimension.mean(new int[] {0})
                    .maximum(SpecialFunctions.scalar(klPerDimension, objective.freeBits()));
            NDArray klTerm = floored.sum().mul(SpecialFunctions.scalar(floored, w * batch));
            return reconstruction.sum().sub(klTerm);
        }
        return reconstruction.sub(kl.mul(SpecialFunctions.scalar(kl, w))).sum();
    }

    /** KL(q ‖ N(0, I)) per example and dimension, ½ (μ² + σ² − log σ² − 1), shape [B, D]. */
    static NDArray klPerDimension(DiagonalNormal posterior) {
        NDArray logVariance = posterior.logVariance();
        NDArray terms = posterior.loc().square().add(logVariance.exp()).sub(logVariance)
                .sub(SpecialFunctions.scalar(logVariance, 1.0));
        return terms.mul(SpecialFunctions.scalar(terms, 0.5));
    }
}
