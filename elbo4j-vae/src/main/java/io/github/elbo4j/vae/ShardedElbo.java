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
import java.util.List;

/**
 * The minibatch ELBO and its gradient, computed over contiguous shards of the batch by
 * {@link Workers}, each shard differentiated into its own gradient buffer.
 *
 * <p>Every step gives each worker a fresh <em>replica</em>: an autograd leaf that shares the model's
 * parameter storage and receives the gradient of its shard alone. The gradients are summed in
 * worker order, so a fixed number of workers gives bit-for-bit reproducible training (one shared
 * leaf would add them in whatever order the threads finish). Fresh leaves also mean gradients
 * never need zeroing between steps, and a non-finite step leaves nothing behind.
 */
final class ShardedElbo {

    private final VaeModel model;
    private final Workers workers;
    private final ElboEstimator estimator;
    private final TensorUpload[] uploads;

    ShardedElbo(VaeModel model, Workers workers, ElboEstimator estimator) {
        this.model = model;
        this.workers = workers;
        this.estimator = estimator;
        this.uploads = new TensorUpload[workers.count()];
        for (int w = 0; w < uploads.length; w++) {
            uploads[w] = new TensorUpload();
        }
    }

    /**
     * One step's result: the batch's summed ELBO, reconstruction and KL, and the gradient of the
     * loss −(1/B) Σ ELBO with respect to the flat parameters.
     */
    record Step(double elbo, double reconstruction, double kl, NDArray gradient) {}

    /**
     * Computes one step over the batch; the gradient and every temporary belong to {@code scope}.
     *
     * @param x the batch, row-major [batch, inputSize]
     * @param noise standard normal noise, row-major [numParticles, batch, latent]
     * @param batch number of examples B
     */
    Step step(float[] x, float[] noise, int batch, NDManager scope) {
        int features = model.config().inputSize();
        int latent = model.config().latent();
        int particles = estimator.numParticles();
        int count = workers.count();
        NDArray[] replicas = new NDArray[count];
        for (int w = 0; w < count; w++) {
            replicas[w] = model.parameters().stopGradient();
            replicas[w].attach(scope);
            replicas[w].setRequiresGradient(true);
        }
        List<float[]> sums;
        // DJL allows one collector at a time; it only switches on gradient recording for the
        // calling thread, and worker threads record by default, so all workers share this one.
        try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
            sums = workers.run(w -> {
                int from = batch * w / count;
                int to = batch * (w + 1) / count;
                if (from == to) {
                    return new float[3];
                }
                int rows = to - from;
                try (NDManager shard = scope.newSubManager()) {
                    NDArray xs = uploads[w].upload(shard, x, from * features, rows * features, new Shape(rows, features));
                    NDArray eps = uploads[w].upload(shard, shard(noise, particles, batch, from, to, latent), 0,
                            particles * rows * latent, new Shape(particles, rows, latent));
                    VaeNetwork network = model.bind(shard, replicas[w]);
                    ElboTerms terms = estimator.estimate(network.encode(xs), network.prior(), network, xs, eps);
                    NDArray elbo = terms.elbo().sum();
                    float[] shardSums = NDArrays.stack(new NDList(elbo, terms.reconstruction().sum(), terms.kl().sum()))
                            .toFloatArray();
                    collector.backward(elbo.div(-batch));
                    return shardSums;
                }
            });
        }
        double[] total = new double[3];
        for (float[] s : sums) {
            for (int i = 0; i < 3; i++) {
                total[i] += s[i];
            }
        }
        NDArray gradient = replicas[0].getGradient();
        gradient.attach(scope);
        for (int w = 1; w < count; w++) {
            NDArray g = replicas[w].getGradient();
            g.attach(scope);
            gradient = gradient.add(g);
            gradient.attach(scope);
        }
        return new Step(total[0], total[1], total[2], gradient);
    }

    private static float[] shard(float[] noise, int particles, int batch, int from, int to, int latent) {
        if (particles == 1) {
            return java.util.Arrays.copyOfRange(noise, from * latent, to * latent);
        }
        int rows = to - from;
        float[] shard = new float[particles * rows * latent];
        for (int p = 0; p < particles; p++) {
            System.arraycopy(noise, (p * batch + from) * latent, shard, p * rows * latent, rows * latent);
        }
        return shard;
    }
}
