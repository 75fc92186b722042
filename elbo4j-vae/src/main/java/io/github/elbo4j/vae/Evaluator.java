package io.github.elbo4j.vae;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.github.elbo4j.data.Batching;
import io.github.elbo4j.data.Dataset;
import io.github.elbo4j.distributions.DiagonalNormal;
import io.github.elbo4j.distributions.Normal;
import io.github.elbo4j.elbo.AnalyticKlElbo;
import io.github.elbo4j.elbo.ElboTerms;
import io.github.elbo4j.elbo.ImportanceWeightedElbo;
import io.github.elbo4j.kl.KlDivergence;

/**
 * Evaluates a VAE on a dataset: the single-sample analytic-KL ELBO with its terms, per-dimension
 * KL and active units, and the importance-weighted log-likelihood estimate
 * log p(x) ≈ log (1/K) Σ_k p(x, z_k) / q(z_k|x), z_k ~ q(z|x) (Burda et al. 2015).
 *
 * <p>The IWAE estimate is batched over the K particles and chunked over examples so that at most
 * {@code maxParticleRows} decoder rows are alive at once: memory is bounded by that budget, not
 * by K or the dataset size (K = 5000 with the default budget needs a few hundred MB).
 */
public final class Evaluator {

    /** Default number of (particle, example) rows decoded at once by the IWAE estimate. */
    public static final int DEFAULT_MAX_PARTICLE_ROWS = 20_000;

    private static final int ELBO_BATCH = 1000;

    private final VaeModel model;
    private final NDManager manager;
    private final int maxParticleRows;
    private final TensorUpload upload = new TensorUpload();

    /** An evaluator whose temporaries live in sub-scopes of {@code manager}. */
    public Evaluator(VaeModel model, NDManager manager, int maxParticleRows) {
        if (maxParticleRows < 1) {
            throw new IllegalArgumentException("maxParticleRows must be positive, got " + maxParticleRows);
        }
        this.model = model;
        this.manager = manager;
        this.maxParticleRows = maxParticleRows;
    }

    /** An evaluator with the default memory budget. */
    public Evaluator(VaeModel model, NDManager manager) {
        this(model, manager, DEFAULT_MAX_PARTICLE_ROWS);
    }

    /** The ELBO summary followed by the IWAE-k log-likelihood estimate. */
    public EvaluationResult evaluate(Dataset data, int k, long seed, ProgressListener progress) {
        if (k < 1) {
            throw new IllegalArgumentException("--k must be at least 1, got " + k);
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
        double standardError = loglik.length > 1 ? Math.sqrt(squares / (loglik.length - 1) / loglik.length) : Double.NaN;
        return new EvaluationResult(
                summary.n(), summary.elbo(), summary.recon(), summary.kl(), mean, standardError, k,
                summary.activeUnits(), summary.klPerDimension(), (System.nanoTime() - start) / 1e9);
    }

    /** Dataset means of the single-sample analytic-KL ELBO, its terms, and encoder statistics. */
    public ElboSummary elbo(Dataset data, long seed) {
        int latent = model.config().latent();
        int features = data.features();
        AnalyticKlElbo estimator = new AnalyticKlElbo(1);
        double elbo = 0;
        double recon = 0;
        double kl = 0;
        double[] klPerDimension = new double[latent];
        double[] meanSum = new double[latent];
        double[] meanSquares = new double[latent];
        int[] all = identity(data.rows());
        for (int from = 0; from < data.rows(); from += ELBO_BATCH) {
            int to = Math.min(data.rows(), from + ELBO_BATCH);
            try (NDManager scope = manager.newSubManager()) {
                VaeNetwork network = model.bind(scope);
                NDArray x = upload.upload(scope, Batching.gather(data, all, from, to), new Shape(to - from, features));
                DiagonalNormal posterior = network.encode(x);
                NDArray noise = upload.upload(scope, GaussianNoise.perExample(1, from, to, latent, seed),
                        new Shape(1, to - from, latent));
                ElboTerms terms = estimator.estimate(posterior, network.prior(), network, x, noise);
                elbo += terms.elbo().sum().getFloat();
                recon += terms.reconstruction().sum().getFloat();
                kl += terms.kl().sum().getFloat();
                NDArray perDimension = KlDivergence.kl(
                        new Normal(posterior.loc(), posterior.scale()),
                        new Normal(posterior.loc().zerosLike(), posterior.loc().onesLike()));
                float[] klSums = perDimension.sum(new int[] {0}).toFloatArray();
                float[] means = posterior.loc().toFloatArray();
                for (int j = 0; j < latent; j++) {
                    klPerDimension[j] += klSums[j];
                }
                for (int i = 0; i < means.length; i++) {
                    meanSum[i % latent] += means[i];
                    meanSquares[i % latent] += (double) means[i] * means[i];
                }
            }
        }
        int n = data.rows();
        double[] variance = new double[latent];
        for (int j = 0; j < latent; j++) {
            klPerDimension[j] /= n;
            double m = meanSum[j] / n;
            variance[j] = Math.max(0, meanSquares[j] / n - m * m);
        }
        return new ElboSummary(n, elbo / n, recon / n, kl / n, klPerDimension, variance);
    }

    /**
     * Per-example IWAE-k estimates of log p(x), in dataset order. Each example's K noise vectors
     * are drawn from its own seed, so the result depends on the seed alone, not on the memory
     * budget that decides the chunking.
     */
    public double[] importanceWeightedLogLikelihood(Dataset data, int k, long seed, ProgressListener progress) {
        int latent = model.config().latent();
        int features = data.features();
        int perChunk = Math.max(1, maxParticleRows / k);
        ImportanceWeightedElbo estimator = new ImportanceWeightedElbo(k);
        double[] result = new double[data.rows()];
        int[] all = identity(data.rows());
        for (int from = 0; from < data.rows(); from += perChunk) {
            int to = Math.min(data.rows(), from + perChunk);
            try (NDManager scope = manager.newSubManager()) {
                VaeNetwork network = model.bind(scope);
                NDArray x = upload.upload(scope, Batching.gather(data, all, from, to), new Shape(to - from, features));
                NDArray noise = upload.upload(scope, GaussianNoise.perExample(k, from, to, latent, seed),
                        new Shape(k, to - from, latent));
                float[] bounds = estimator.estimate(network.encode(x), network.prior(), network, x, noise)
                        .elbo().toFloatArray();
                for (int i = 0; i < bounds.length; i++) {
                    result[from + i] = bounds[i];
                }
            }
            progress.progress(to, data.rows());
        }
        return result;
    }

    private static int[] identity(int n) {
        int[] indices = new int[n];
        for (int i = 0; i < n; i++) {
            indices[i] = i;
        }
        return indices;
    }
}
