package io.github.elbo4j.vae.objective;

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
import io.github.elbo4j.elbo.ImportanceWeightedElbo;
import io.github.elbo4j.elbo.MonteCarloElbo;
import io.github.elbo4j.kl.KlDivergence;
import io.github.elbo4j.math.SpecialFunctions;
import io.github.elbo4j.math.TensorUpload;
import io.github.elbo4j.vae.eval.Evaluator;
import io.github.elbo4j.vae.model.LatentPrior;
import io.github.elbo4j.vae.model.VaeModel;
import io.github.elbo4j.vae.model.VaeNetwork;
import java.nio.ByteOrder;

/**
 * The engine's {@link TrainingStep}, for every model and objective, differentiated by the engine's
 * autograd.
 *
 * <p>The reported terms are those of core's estimators, which {@link Evaluator} and Spark use too:
 * the reconstruction (1/K) Σ_k log p(x|z_k) and the KL from {@link KlDivergence} (in closed form
 * against N(0, I), as {@link io.github.elbo4j.elbo.AnalyticKlElbo} takes it; by Monte Carlo over the
 * same particles against the VampPrior, with {@link MonteCarloElbo#kl(NDArray)}). The
 * ELBO objective reweights that KL by w, or with free bits floors the per-dimension KL from
 * {@link KlDivergence}; the IWAE objective is {@link ImportanceWeightedElbo#bound(NDArray, NDArray,
 * double)} with w, and its doubly-reparameterized gradient {@link
 * ImportanceWeightedElbo#doublyReparameterizedSurrogate(NDArray, NDArray)}, which this step feeds
 * with the two log weights it needs.
 *
 * <p>Each step differentiates into a fresh <em>replica</em>: an autograd leaf that shares the
 * model's parameter storage, owned by the step's scope. The gradient therefore never needs zeroing
 * between steps (the engine would otherwise accumulate it), a skipped non-finite step leaves
 * nothing behind, and the optimizer updates the storage that every later replica sees.
 */
public final class ElboStep implements TrainingStep {

    private final VaeModel model;
    private final TrainingObjective objective;
    private final TensorUpload upload = new TensorUpload();

    /** A step that computes {@code objective}'s terms and gradient for {@code model}'s parameters. */
    public ElboStep(VaeModel model, TrainingObjective objective) {
        this.model = model;
        this.objective = objective;
    }

    @Override
    public BatchElbo compute(
            float[] x,
            float[] condition,
            float[] noise,
            int batch,
            double klWeight,
            boolean normalPriorWarmup,
            float[] gradient) {
        try (NDManager scope = model.parameters().getManager().newSubManager()) {
            NDArray replica = model.parameters().stopGradient();
            replica.attach(scope);
            replica.setRequiresGradient(true);
            float[] sums;
            // Activations and the graph live in their own scope, freed before the gradient is read.
            try (NDManager forward = scope.newSubManager();
                    GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                int latent = model.config().latent();
                NDArray xs = upload.upload(
                        forward, x, new Shape(batch, model.config().inputSize()));
                NDArray eps = upload.upload(forward, noise, new Shape(objective.particles(), batch, latent));
                VaeNetwork bound = model.bind(forward, replica);
                VaeNetwork network = condition == null
                        ? bound
                        : bound.conditioned(upload.upload(
                                forward,
                                condition,
                                new Shape(batch, model.config().conditions())));
                DiagonalNormal posterior = network.encode(xs);
                NDArray z = posterior.rsample(eps);
                NDArray logLik = network.likelihood(z).logProb(xs); // [K, B]
                NDArray reconstruction = logLik.mean(new int[] {0});
                boolean vamp = model.config().prior() == LatentPrior.VAMP;
                // During the warm-up a VampPrior model trains against N(0, I) but reports its own KL.
                boolean warmingUp = vamp && normalPriorWarmup;
                StandardNormal normal = new StandardNormal(forward, latent);
                NDArray normalKl = vamp && !warmingUp ? null : KlDivergence.kl(posterior, normal);
                // No closed form against a mixture: core's Monte Carlo KL over the same particles.
                NDArray kl = vamp ? MonteCarloElbo.kl(logDensityRatio(network.prior(), posterior, z)) : normalKl;
                NDArray trainingKl = warmingUp ? normalKl : kl;
                Distribution trainingPrior = warmingUp ? normal : network.prior();
                NDArray elbo = reconstruction.sub(kl);
                NDArray objectiveSum = objective.match(
                        e -> elboObjective(e, reconstruction, trainingKl, posterior, batch, klWeight), i -> {
                            if (i.gradient() != TrainingObjective.GradientEstimator.DOUBLY_REPARAMETERIZED) {
                                return iwaeObjective(trainingPrior, posterior, z, logLik, klWeight);
                            }
                            VaeNetwork detached = detached(forward, replica, network);
                            return doublyReparameterizedSurrogate(
                                    network,
                                    detached,
                                    trainingPrior,
                                    warmingUp ? trainingPrior : detached.prior(),
                                    posterior,
                                    eps,
                                    xs);
                        });
                sums = NDArrays.stack(new NDList(elbo.sum(), reconstruction.sum(), kl.sum()))
                        .toFloatArray();
                collector.backward(objectiveSum.div(SpecialFunctions.scalar(objectiveSum, -batch)));
            }
            NDArray g = replica.getGradient();
            // A view of the engine's memory where it offers one: toFloatArray() would stage the
            // vector in a fresh direct buffer every step.
            g.toByteBuffer(true).order(ByteOrder.nativeOrder()).asFloatBuffer().get(gradient);
            double elbo = Float.isFinite(g.sum().getFloat()) ? sums[0] : Double.NaN;
            return new BatchElbo(elbo, sums[1], sums[2]);
        }
    }

    /**
     * Σ_b [recon_b − w·KL_b], or with free bits λ: Σ_b recon_b − w·B·Σ_j max(λ, mean_b KL_bj), the
     * per-dimension KL being {@link KlDivergence#perDimension(DiagonalNormal)}.
     */
    private static NDArray elboObjective(
            TrainingObjective.Elbo elbo,
            NDArray reconstruction,
            NDArray kl,
            DiagonalNormal posterior,
            int batch,
            double w) {
        if (elbo.freeBits() > 0) {
            NDArray klPerDimension = KlDivergence.perDimension(posterior); // [B, D]
            NDArray floored = klPerDimension
                    .mean(new int[] {0})
                    .maximum(SpecialFunctions.scalar(klPerDimension, elbo.freeBits()));
            NDArray klTerm = floored.sum().mul(SpecialFunctions.scalar(floored, w * batch));
            return reconstruction.sum().sub(klTerm);
        }
        return reconstruction.sub(kl.mul(SpecialFunctions.scalar(kl, w))).sum();
    }

    /**
     * Σ_b log (1/K) Σ_k p(x|z_k) (p(z_k)/q(z_k|x))^w, core's bound differentiated as it stands. The
     * ratio takes p's density first, unlike {@link #logDensityRatio}: each keeps the recording
     * order, and so the bits, that training has always had.
     */
    private static NDArray iwaeObjective(
            Distribution prior, DiagonalNormal posterior, NDArray z, NDArray logLik, double w) {
        NDArray logRatio = prior.logProb(z).sub(posterior.logProb(z));
        return ImportanceWeightedElbo.bound(logLik, logRatio, w).sum();
    }

    /**
     * Core's {@link ImportanceWeightedElbo#doublyReparameterizedSurrogate(NDArray, NDArray)} of the
     * two log weights it needs: log w_k(θ; sg(z_k)) and log w_k(sg(θ); z_k(φ)), q's density in both
     * evaluated with its parameters held fixed. Its value is not the bound; the reported numbers
     * come from the plain ELBO. The log weights are summed as (log p(x|z) + log p(z)) − log q(z|x),
     * the order training has always used, and carry no KL weight (the CLI allows DReG only with w =
     * 1).
     *
     * @param detached the network bound to an alias of the parameters without gradient
     * @param prior p(z) of {@code network}; {@code detachedPrior} that of {@code detached}
     */
    private static NDArray doublyReparameterizedSurrogate(
            VaeNetwork network,
            VaeNetwork detached,
            Distribution prior,
            Distribution detachedPrior,
            DiagonalNormal posterior,
            NDArray eps,
            NDArray xs) {
        DiagonalNormal fixedQ = DiagonalNormal.fromLogVariance(
                posterior.loc().stopGradient(), posterior.logVariance().stopGradient());
        NDArray z = posterior.rsample(eps);
        NDArray zFixed = z.stopGradient();
        NDArray logWeightsDecoder = network.likelihood(zFixed)
                .logProb(xs)
                .add(prior.logProb(zFixed))
                .sub(fixedQ.logProb(zFixed));
        NDArray logWeightsEncoder =
                detached.likelihood(z).logProb(xs).add(detachedPrior.logProb(z)).sub(fixedQ.logProb(z));
        return ImportanceWeightedElbo.doublyReparameterizedSurrogate(logWeightsDecoder, logWeightsEncoder);
    }

    /**
     * log p(z_k) − log q(z_k|x). q's density is taken first, as the engine graph always has: the
     * order in which the operations are recorded decides the order in which the backward pass
     * sums gradients, and so the bits of training.
     */
    private static NDArray logDensityRatio(Distribution prior, DiagonalNormal posterior, NDArray z) {
        NDArray logPosterior = posterior.logProb(z);
        return prior.logProb(z).sub(logPosterior);
    }

    /** {@code network} bound to an alias of the parameters that carries no gradient, same condition. */
    private VaeNetwork detached(NDManager scope, NDArray replica, VaeNetwork network) {
        VaeNetwork d = model.bind(scope, replica.stopGradient());
        return network.condition() == null ? d : d.conditioned(network.condition());
    }
}
