package io.github.elbo4j.vae;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import io.github.elbo4j.elbo.ElboEstimator;
import io.github.elbo4j.elbo.ElboTerms;
import io.github.elbo4j.math.SpecialFunctions;

/**
 * The minibatch ELBO of a VAE and its gradient with respect to the flat parameters.
 *
 * <p>Each step differentiates into a fresh <em>replica</em>: an autograd leaf that shares the
 * model's parameter storage, owned by the step's scope. The gradient therefore never needs zeroing
 * between steps (the engine would otherwise accumulate it), a skipped non-finite step leaves
 * nothing behind, and the optimizer updates the storage that every later replica sees.
 */
final class ElboStep {

    private final VaeModel model;
    private final ElboEstimator estimator;
    private final TensorUpload upload = new TensorUpload();

    ElboStep(VaeModel model, ElboEstimator estimator) {
        this.model = model;
        this.estimator = estimator;
    }

    /**
     * The batch's summed ELBO, reconstruction and KL, and the gradient of the loss −(1/B) Σ ELBO.
     */
    record Result(double elbo, double reconstruction, double kl, NDArray gradient) {}

    /**
     * Computes one step; the gradient and every temporary belong to {@code scope}.
     *
     * @param x the batch, row-major [batch, inputSize]
     * @param noise standard normal noise, row-major [numParticles, batch, latent]
     * @param batch number of examples B
     */
    Result compute(float[] x, float[] noise, int batch, NDManager scope) {
        NDArray replica = model.parameters().stopGradient();
        replica.attach(scope);
        replica.setRequiresGradient(true);
        float[] sums;
        // Activations and the graph live in their own scope, freed before the optimizer runs.
        try (NDManager forward = scope.newSubManager();
                GradientCollector collector = Engine.getInstance().newGradientCollector()) {
            NDArray xs = upload.upload(forward, x, new Shape(batch, model.config().inputSize()));
            NDArray eps = upload.upload(forward, noise,
                    new Shape(estimator.numParticles(), batch, model.config().latent()));
            VaeNetwork network = model.bind(forward, replica);
            ElboTerms terms = estimator.estimate(network.encode(xs), network.prior(), network, xs, eps);
            NDArray elbo = terms.elbo().sum();
            sums = NDArrays.stack(new NDList(elbo, terms.reconstruction().sum(), terms.kl().sum())).toFloatArray();
            collector.backward(elbo.div(SpecialFunctions.scalar(elbo, -batch)));
        }
        NDArray gradient = replica.getGradient();
        gradient.attach(scope);
        return new Result(sums[0], sums[1], sums[2], gradient);
    }
}
