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
import io.github.elbo4j.optim.Adam;
import java.util.List;

/**
 * The minibatch ELBO and its gradient, computed over contiguous shards of the batch by
 * {@link Workers}, each shard differentiated into its own gradient buffer.
 *
 * <p>Every worker owns a <em>replica</em>: a separate autograd leaf that shares the model's
 * parameter storage, so optimizer updates reach all replicas at once while each accumulates its
 * own gradient. The gradients are summed in worker order, so a fixed number of workers gives
 * bit-for-bit reproducible training (one shared leaf would add them in whatever order the threads
 * finish).
 */
final class ShardedElbo implements AutoCloseable {

    private final VaeModel model;
    private final Workers workers;
    private final ElboEstimator estimator;
    private final NDManager manager;
    private final NDArray[] replicas;
    private final TensorUpload[] uploads;

    ShardedElbo(VaeModel model, Workers workers, ElboEstimator estimator) {
        this.model = model;
        this.workers = workers;
        this.estimator = estimator;
        this.manager = model.parameters().getManager().newSubManager();
        this.replicas = new NDArray[workers.count()];
        this.uploads = new TensorUpload[workers.count()];
        for (int w = 0; w < replicas.length; w++) {
            replicas[w] = model.parameters().stopGradient();
            replicas[w].attach(manager);
            replicas[w].setRequiresGradient(true);
            uploads[w] = new TensorUpload();
        }
    }

    /**
     * Computes the batch's summed ELBO, reconstruction and KL (in that order) and leaves the
     * gradient of the loss −(1/B) Σ ELBO in the replicas.
     *
     * @param x the batch, row-major [batch, inputSize]
     * @param noise standard normal noise, row-major [numParticles, batch, latent]
     * @param batch number of examples B
     */
    double[] forwardBackward(float[] x, float[] noise, int batch) {
        int features = model.config().inputSize();
        int latent = model.config().latent();
        int particles = estimator.numParticles();
        int count = workers.count();
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
                try (NDManager scope = manager.newSubManager()) {
                    NDArray xs = uploads[w].upload(scope, x, from * features, rows * features, new Shape(rows, features));
                    NDArray eps = uploads[w].upload(scope, shard(noise, particles, batch, from, to, latent), 0,
                            particles * rows * latent, new Shape(particles, rows, latent));
                    VaeNetwork network = model.bind(scope, replicas[w]);
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
        return total;
    }

    /** The gradient summed over workers in worker order, owned by {@code scope}. */
    NDArray gradient(NDManager scope) {
        NDArray sum = replicas[0].getGradient();
        sum.attach(scope);
        for (int w = 1; w < replicas.length; w++) {
            NDArray g = replicas[w].getGradient();
            g.attach(scope);
            sum = sum.add(g);
            sum.attach(scope);
        }
        return sum;
    }

    /** Clears the replicas' gradients for the next step. */
    void zeroGradients() {
        for (NDArray replica : replicas) {
            try (NDArray g = replica.getGradient()) {
                Adam.zero(g);
            }
        }
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

    @Override
    public void close() {
        manager.close();
    }
}
