package io.github.elbo4j.vae.eval;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.github.elbo4j.data.Dataset;
import io.github.elbo4j.data.SettingException;
import io.github.elbo4j.distributions.DiagonalNormal;
import io.github.elbo4j.elbo.AnalyticKlElbo;
import io.github.elbo4j.elbo.ElboEstimator;
import io.github.elbo4j.elbo.ElboTerms;
import io.github.elbo4j.elbo.ImportanceWeightedElbo;
import io.github.elbo4j.elbo.MonteCarloElbo;
import io.github.elbo4j.kl.KlDivergence;
import io.github.elbo4j.math.SpecialFunctions;
import io.github.elbo4j.math.TensorUpload;
import io.github.elbo4j.vae.model.LatentPrior;
import io.github.elbo4j.vae.model.OneHotConditions;
import io.github.elbo4j.vae.model.VaeConfig;
import io.github.elbo4j.vae.model.VaeModel;
import io.github.elbo4j.vae.model.VaeNetwork;
import io.github.elbo4j.vae.objective.ElboSummary;
import io.github.elbo4j.vae.objective.GaussianNoise;
import io.github.elbo4j.vae.objective.ImportanceSampler;
import io.github.elbo4j.vae.objective.StepFactory;
import io.github.elbo4j.vae.train.ProgressListener;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Evaluates a VAE on a dataset: the single-sample analytic-KL ELBO with its terms, per-dimension
 * KL and active units, and the importance-weighted log-likelihood estimate
 * log p(x) ≈ log (1/K) Σ_k p(x, z_k) / q(z_k|x), z_k ~ q(z|x) (Burda et al. 2015).
 *
 * <p>The IWAE estimate is batched over the K particles and chunked over examples so that at most
 * {@code maxParticleRows} decoder rows are alive at once: memory is bounded by that budget, not
 * by K or the dataset size (K = 5000 with the default budget needs a few hundred MB). Each worker
 * has its own {@link ImportanceSampler} from {@link StepFactory#importanceSampler}: on JVM arrays
 * for the models the fused code computes, else through the engine, from the same noise.
 */
public final class Evaluator {

    /** Default number of (particle, example) rows decoded at once by the IWAE estimate. */
    public static final int DEFAULT_MAX_PARTICLE_ROWS = 20_000;

    private static final int ELBO_BATCH = 1000;

    private final VaeModel model;
    private final NDManager manager;
    private final int maxParticleRows;
    private final Workers workers;
    private final TensorUpload[] uploads;

    /**
     * An evaluator whose temporaries live in sub-scopes of {@code manager}; chunks of examples are
     * spread over {@code workers}, each decoding at most {@code maxParticleRows} rows at once (MLP
     * rows; a convolutional model decodes proportionally fewer, see {@link VaeConfig#decoderRowCost}).
     */
    public Evaluator(VaeModel model, NDManager manager, int maxParticleRows, Workers workers) {
        if (maxParticleRows < 1) {
            throw new SettingException("maxParticleRows must be positive, got " + maxParticleRows, "maxParticleRows");
        }
        this.model = model;
        this.manager = manager;
        // A convolutional decoder row holds far more activations than an MLP row: scale the budget.
        this.maxParticleRows = Math.max(1, maxParticleRows / model.config().decoderRowCost());
        this.workers = workers;
        this.uploads = new TensorUpload[workers.count()];
        for (int w = 0; w < uploads.length; w++) {
            uploads[w] = new TensorUpload();
        }
    }

    /** A single-threaded evaluator with the default memory budget. */
    public Evaluator(VaeModel model, NDManager manager) {
        this(model, manager, DEFAULT_MAX_PARTICLE_ROWS, new Workers(1));
    }

    /** The ELBO summary followed by the IWAE-k log-likelihood estimate. */
    public EvaluationResult evaluate(Dataset data, int k, long seed, ProgressListener progress) {
        if (k < 1) {
            throw new SettingException("k must be at least 1, got " + k, "k");
        }
        long start = System.nanoTime();
        ElboSummary summary = elbo(data, seed);
        double[] loglik = importanceWeightedLogLikelihood(data, k, seed, progress);
        double mean = 0;
        for (double v : loglik) {
            mean += v;
        }
        mean /= loglik.length;
        double squares = 0;
        for (double v : loglik) {
            squares += (v - mean) * (v - mean);
        }
        double standardError =
                loglik.length > 1 ? Math.sqrt(squares / (loglik.length - 1) / loglik.length) : Double.NaN;
        return new EvaluationResult(
                summary.n(),
                summary.elbo(),
                summary.recon(),
                summary.kl(),
                mean,
                standardError,
                k,
                summary.activeUnits(),
                summary.klPerDimension(),
                (System.nanoTime() - start) / 1e9);
    }

    /** Dataset means of the single-sample analytic-KL ELBO, its terms, and encoder statistics. */
    public ElboSummary elbo(Dataset data, long seed) {
        return elbo(data, seed, ProgressListener.NONE);
    }

    /** As {@link #elbo(Dataset, long)}, reporting examples done to {@code progress}. */
    public ElboSummary elbo(Dataset data, long seed, ProgressListener progress) {
        int latent = model.config().latent();
        // Against a VampPrior the KL has no closed form: one-sample Monte Carlo, and no per-dimension KL.
        boolean normalPrior = model.config().prior() == LatentPrior.NORMAL;
        ElboEstimator estimator = normalPrior ? new AnalyticKlElbo(1) : new MonteCarloElbo(1);
        int batch = Math.min(ELBO_BATCH, maxParticleRows);
        int chunks = (data.rows() + batch - 1) / batch;
        // Per-chunk partial sums, reduced in chunk order so the result does not depend on workers.
        double[][] partial = new double[chunks][];
        forEachChunk(data, batch, progress, (scope, network, x, upload, from, to) -> {
            DiagonalNormal posterior = network.encode(x);
            NDArray noise = upload.upload(
                    scope, GaussianNoise.perExample(1, from, to, latent, seed), new Shape(1, to - from, latent));
            ElboTerms terms = estimator.estimate(posterior, network.prior(), network, x, noise);
            NDArray perDimension = normalPrior
                    ? KlDivergence.perDimension(posterior)
                    : posterior.loc().zerosLike().add(SpecialFunctions.scalar(posterior.loc(), Double.NaN));
            float[] sums = NDArrays.concat(new NDList(
                            NDArrays.stack(new NDList(
                                    terms.elbo().sum(),
                                    terms.reconstruction().sum(),
                                    terms.kl().sum())),
                            perDimension.sum(new int[] {0})))
                    .toFloatArray();
            float[] means = posterior.loc().toFloatArray();
            double[] chunk = new double[3 + 3 * latent];
            for (int i = 0; i < 3 + latent; i++) {
                chunk[i] = sums[i];
            }
            for (int i = 0; i < means.length; i++) {
                chunk[3 + latent + i % latent] += means[i];
                chunk[3 + 2 * latent + i % latent] += (double) means[i] * means[i];
            }
            partial[from / batch] = chunk;
        });
        double[] total = new double[3 + 3 * latent];
        for (double[] chunk : partial) {
            for (int i = 0; i < total.length; i++) {
                total[i] += chunk[i];
            }
        }
        int n = data.rows();
        double[] klPerDimension = new double[latent];
        double[] variance = new double[latent];
        for (int j = 0; j < latent; j++) {
            klPerDimension[j] = total[3 + j] / n;
            double mean = total[3 + latent + j] / n;
            variance[j] = Math.max(0, total[3 + 2 * latent + j] / n - mean * mean);
        }
        return new ElboSummary(n, total[0] / n, total[1] / n, total[2] / n, klPerDimension, variance);
    }

    /**
     * Per-example IWAE-k estimates of log p(x), in dataset order. Each example's K noise vectors
     * are drawn from its own seed, so the result depends on the seed alone, not on the memory
     * budget that decides the chunking nor on the number of workers.
     */
    public double[] importanceWeightedLogLikelihood(Dataset data, int k, long seed, ProgressListener progress) {
        double[] result = new double[data.rows()];
        ImportanceSampler[] samplers = new ImportanceSampler[workers.count()];
        for (int w = 0; w < samplers.length; w++) {
            samplers[w] = StepFactory.importanceSampler(model, k, maxParticleRows, manager);
        }
        forEachRange(
                data.rows(),
                samplers[0].chunk(),
                progress,
                (w, from, to) -> samplers[w].estimate(data, from, to, seed, result));
        return result;
    }

    /**
     * Per-example terms from K samples z_k ~ q(z|x), in dataset order (the same noise as
     * {@link #importanceWeightedLogLikelihood}): {@code [0]} the IWAE-K bound
     * log (1/K) Σ_k p(x, z_k)/q(z_k|x), {@code [1]} the reconstruction log-probability
     * (1/K) Σ_k log p(x|z_k), {@code [2]} the analytic KL(q(z|x) ‖ p(z)); so
     * ELBO = [1] − [2] (a K-sample estimate of E_q[log p(x|z)] with exact KL).
     */
    public double[][] perExampleTerms(Dataset data, int k, long seed, ProgressListener progress) {
        if (k < 1) {
            throw new SettingException("k must be at least 1, got " + k, "k");
        }
        int latent = model.config().latent();
        ImportanceWeightedElbo estimator = new ImportanceWeightedElbo(k);
        double[][] result = new double[3][data.rows()];
        forEachChunk(data, Math.max(1, maxParticleRows / k), progress, (scope, network, x, upload, from, to) -> {
            NDArray noise = upload.upload(
                    scope, GaussianNoise.perExample(k, from, to, latent, seed), new Shape(k, to - from, latent));
            DiagonalNormal posterior = network.encode(x);
            ElboTerms terms = estimator.estimate(posterior, network.prior(), network, x, noise);
            float[][] columns = {
                terms.elbo().toFloatArray(),
                terms.reconstruction().toFloatArray(),
                model.config().prior() == LatentPrior.NORMAL
                        ? KlDivergence.kl(posterior, network.prior()).toFloatArray()
                        : terms.kl().toFloatArray()
            };
            for (int c = 0; c < columns.length; c++) {
                for (int i = 0; i < columns[c].length; i++) {
                    result[c][from + i] = columns[c][i];
                }
            }
        });
        return result;
    }

    /** Work on one chunk of examples {@code [from, to)}, uploaded as {@code x}. */
    @FunctionalInterface
    private interface ChunkTask {
        void run(NDManager scope, VaeNetwork network, NDArray x, TensorUpload upload, int from, int to);
    }

    /** Runs {@code task} on consecutive chunks of {@code chunkSize} examples, spread over the workers. */
    private void forEachChunk(Dataset data, int chunkSize, ProgressListener progress, ChunkTask task) {
        int features = data.features();
        forEachRange(data.rows(), chunkSize, progress, (w, from, to) -> {
            TensorUpload upload = uploads[w];
            try (NDManager scope = manager.newSubManager()) {
                NDArray x = upload.upload(
                        scope, data.values(), from * features, (to - from) * features, new Shape(to - from, features));
                task.run(scope, OneHotConditions.bind(model, scope, data, from, to, upload), x, upload, from, to);
            }
        });
    }

    /** Work on examples {@code [from, to)} by worker {@code w}. */
    @FunctionalInterface
    private interface RangeTask {
        void run(int w, int from, int to);
    }

    /**
     * Runs {@code task} on consecutive ranges of {@code chunkSize} of the {@code rows} examples,
     * worker w taking ranges w, w + workers, …, and reports the examples done to {@code progress}.
     */
    private void forEachRange(int rows, int chunkSize, ProgressListener progress, RangeTask task) {
        int chunks = (rows + chunkSize - 1) / chunkSize;
        AtomicLong done = new AtomicLong();
        workers.run(w -> {
            for (int c = w; c < chunks; c += workers.count()) {
                int from = c * chunkSize;
                int to = Math.min(rows, from + chunkSize);
                task.run(w, from, to);
                long finished = done.addAndGet(to - from);
                synchronized (progress) {
                    progress.progress(finished, rows);
                }
            }
            return null;
        });
    }
}
