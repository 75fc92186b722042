package io.github.elbo4j.spark;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.github.elbo4j.data.Dataset;
import io.github.elbo4j.distributions.DiagonalNormal;
import io.github.elbo4j.elbo.AnalyticKlElbo;
import io.github.elbo4j.elbo.ImportanceWeightedElbo;
import io.github.elbo4j.math.TensorUpload;
import io.github.elbo4j.vae.model.VaeConfig;
import io.github.elbo4j.vae.model.VaeModel;
import io.github.elbo4j.vae.model.VaeNetwork;
import io.github.elbo4j.vae.objective.ExampleTerms;
import io.github.elbo4j.vae.objective.GaussianNoise;
import io.github.elbo4j.vae.objective.ImportanceSampler;
import io.github.elbo4j.vae.objective.StepFactory;
import io.github.elbo4j.vae.objective.TrainingStep;
import io.github.elbo4j.vae.train.Seeds;
import java.util.Arrays;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The engine work that runs inside Spark tasks: ELBO gradients of a minibatch and per-row scores.
 *
 * <p>One engine base manager per JVM. DJL's {@code GradientCollector} is process-global (a second
 * one open at the same time throws), and in local mode every executor thread shares one JVM, so
 * gradient computations on the engine's path take {@link #GRADIENT_LOCK}; the fused step needs no
 * collector and runs concurrently, as scoring does.
 */
final class VaeCompute {

    /** Serializes the engine path's gradient computations within one JVM (see the class documentation). */
    static final ReentrantLock GRADIENT_LOCK = new ReentrantLock();

    private static volatile NDManager base;

    private VaeCompute() {}

    /** The JVM's engine manager, created on first use and kept for the life of the JVM. */
    static NDManager base() {
        NDManager m = base;
        if (m == null) {
            synchronized (VaeCompute.class) {
                if (base == null) {
                    base = NDManager.newBaseManager();
                }
                m = base;
            }
        }
        return m;
    }

    /**
     * The gradient of {@code weight · (−Σ_i ELBO(x_i))} over a minibatch and the batch's summed
     * ELBO, reconstruction and KL terms (single-sample reparameterized ELBO, analytic KL).
     */
    record Gradient(float[] gradient, double elbo, double reconstruction, double kl) {
        boolean isFinite() {
            if (!Double.isFinite(elbo)) {
                return false;
            }
            for (float g : gradient) {
                if (!Float.isFinite(g)) {
                    return false;
                }
            }
            return true;
        }
    }

    /**
     * Computes the gradient at {@code parameters} for {@code rows} examples {@code x} (row-major)
     * with standard normal noise {@code noise} ([1, rows, latent]), through the plain ELBO's
     * {@link TrainingStep} from {@link StepFactory} (the fused step where it applies, as on a single
     * machine, else the engine's), built for batches of up to {@code maxBatch} rows and reused
     * across calls ({@link TrainingSteps}).
     */
    static Gradient gradient(
            VaeConfig config, int maxBatch, float[] parameters, float[] x, int rows, float[] noise, double weight) {
        try (TrainingSteps.Lease step = TrainingSteps.borrow(config, maxBatch)) {
            return step.gradient(parameters, x, rows, noise, weight);
        }
    }

    /** Scores of a chunk of rows; see {@link VaeTransformerModel} for the definitions. */
    record Scores(float[] elbo, double[] loglik, float[] latentMean, float[] reconError) {}

    /**
     * The loglik estimator of one scoring task for {@code model} with {@code k} particles: the fused
     * importance sampler where {@link StepFactory#samplingBackend} chooses it, else null (the
     * engine's batched estimate in {@link #score}).
     */
    static ImportanceSampler fusedSampler(VaeModel model, int k, int maxParticleRows) {
        return StepFactory.samplingBackend(model.config()) == StepFactory.Backend.FUSED
                ? StepFactory.importanceSampler(model, k, maxParticleRows, base())
                : null;
    }

    /**
     * Scores {@code rows} examples: the single-sample analytic-KL ELBO, the IWAE-{@code k} bound
     * (none when {@code k} is 0), the encoder mean and the squared reconstruction error of the
     * decoder mean at z = μ(x). Row i's noise is {@link GaussianNoise#perExample}'s for example 0
     * under the seed {@code rowSeeds[i]} (the ELBO's ε is the first particle's, as in
     * {@code elbo4j eval}), so a row's scores do not depend on the partitioning, the chunking or the
     * task attempt. The IWAE bound comes from {@code sampler} (see {@link #fusedSampler}), every row
     * under its own seed, {@link ImportanceSampler#chunk} rows per call (bit for bit the row's bound
     * scored alone, so it does not depend on which rows share the chunk), or, when it is null, from
     * the engine in one batched call.
     */
    static Scores score(
            VaeModel model,
            float[] x,
            int rows,
            int k,
            long[] rowSeeds,
            ImportanceSampler sampler,
            TensorUpload upload) {
        VaeConfig config = model.config();
        int d = config.latent();
        int features = config.inputSize();
        double[] loglik = k == 0 ? null : new double[rows];
        if (sampler != null && k > 0) {
            float[] values = x.length == rows * features ? x : Arrays.copyOf(x, rows * features);
            Dataset chunk = new Dataset("rows", values, rows, features);
            ExampleTerms bounds = ExampleTerms.boundsOnly(loglik);
            for (int from = 0; from < rows; from += sampler.chunk()) {
                sampler.estimate(chunk, from, Math.min(rows, from + sampler.chunk()), rowSeeds, bounds);
            }
        }
        float[] elboNoise = new float[rows * d];
        float[] iwaeNoise = sampler == null && k > 0 ? new float[k * rows * d] : null;
        for (int i = 0; i < rows; i++) {
            float[] noise = GaussianNoise.perExample(iwaeNoise == null ? 1 : k, 0, 1, d, rowSeeds[i]);
            System.arraycopy(noise, 0, elboNoise, i * d, d);
            if (iwaeNoise != null) {
                // perExample's layout is [particle, example, dimension]: scatter into [k, rows, d].
                for (int p = 0; p < k; p++) {
                    System.arraycopy(noise, p * d, iwaeNoise, (p * rows + i) * d, d);
                }
            }
        }
        try (NDManager scope = base().newSubManager()) {
            NDArray xs = upload.upload(scope, x, 0, rows * features, new Shape(rows, features));
            VaeNetwork network = model.bind(scope);
            DiagonalNormal q = network.encode(xs);
            NDArray noise1 = upload.upload(scope, elboNoise, new Shape(1, rows, d));
            float[] elbo = new AnalyticKlElbo(1)
                    .estimate(q, network.prior(), network, xs, noise1)
                    .elbo()
                    .toFloatArray();
            if (iwaeNoise != null) {
                NDArray noiseK = upload.upload(scope, iwaeNoise, new Shape(k, rows, d));
                float[] bound = new ImportanceWeightedElbo(k)
                        .estimate(q, network.prior(), network, xs, noiseK)
                        .elbo()
                        .toFloatArray();
                for (int i = 0; i < rows; i++) {
                    loglik[i] = bound[i];
                }
            }
            float[] mean = q.loc().toFloatArray();
            float[] recon = network.decodeMean(q.loc())
                    .sub(xs)
                    .square()
                    .sum(new int[] {1})
                    .toFloatArray();
            return new Scores(elbo, loglik, mean, recon);
        }
    }

    /** A 64-bit seed for one row: a hash of its values mixed with the scoring seed. */
    static long rowSeed(long seed, float[] values) {
        long h = 0x9E3779B97F4A7C15L;
        for (float v : values) {
            h = (h ^ Float.floatToIntBits(v)) * 0x100000001B3L;
        }
        return Seeds.derive(seed, Seeds.Stream.EVAL_NOISE, h);
    }
}
