package io.github.elbo4j.vae.eval;

import ai.djl.ndarray.NDManager;
import io.github.elbo4j.data.Dataset;
import io.github.elbo4j.data.SettingException;
import io.github.elbo4j.vae.model.VaeConfig;
import io.github.elbo4j.vae.model.VaeModel;
import io.github.elbo4j.vae.objective.ElboSummary;
import io.github.elbo4j.vae.objective.ExampleTerms;
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

    /** Most examples per chunk, so that small K still spreads over the workers. */
    private static final int MAX_CHUNK = 1000;

    private final VaeModel model;
    private final NDManager manager;
    private final int maxParticleRows;
    private final Workers workers;

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
    }

    /** A single-threaded evaluator with the default memory budget. */
    public Evaluator(VaeModel model, NDManager manager) {
        this(model, manager, DEFAULT_MAX_PARTICLE_ROWS, new Workers(1));
    }

    /**
     * The ELBO summary and the IWAE-k log-likelihood estimate, from one pass: the ELBO is the
     * first of the k particles' (its noise is a one-sample pass's), so it equals {@link #elbo}'s.
     */
    public EvaluationResult evaluate(Dataset data, int k, long seed, ProgressListener progress) {
        long start = System.nanoTime();
        ExampleTerms terms = terms(data, k, seed, progress);
        ElboSummary summary = terms.elboSummary();
        double[] loglik = terms.bound();
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

    /**
     * As {@link #elbo(Dataset, long)}, reporting examples done to {@code progress}. Against a
     * VampPrior the KL has no closed form: it is the one-sample Monte Carlo estimate, and the
     * per-dimension KL is NaN.
     */
    public ElboSummary elbo(Dataset data, long seed, ProgressListener progress) {
        return terms(data, 1, seed, progress).elboSummary();
    }

    /**
     * Per-example IWAE-k estimates of log p(x), in dataset order. Each example's K noise vectors
     * are drawn from its own seed, so the result depends on the seed alone, not on the memory
     * budget that decides the chunking nor on the number of workers.
     */
    public double[] importanceWeightedLogLikelihood(Dataset data, int k, long seed, ProgressListener progress) {
        double[] result = new double[data.rows()];
        sample(data, k, seed, progress, ExampleTerms.boundsOnly(result));
        return result;
    }

    /**
     * Every per-example term of k samples z_k ~ q(z|x), in dataset order, with the noise of
     * {@link #importanceWeightedLogLikelihood}: the IWAE-k bound, the first particle's
     * single-sample ELBO terms, the k-sample averages and the encoder's statistics.
     */
    public ExampleTerms terms(Dataset data, int k, long seed, ProgressListener progress) {
        return sample(
                data,
                k,
                seed,
                progress,
                ExampleTerms.allocate(data.rows(), model.config().latent()));
    }

    /** One importance-sampling pass with k particles over {@code data} into {@code out}. */
    private ExampleTerms sample(Dataset data, int k, long seed, ProgressListener progress, ExampleTerms out) {
        if (k < 1) {
            throw new SettingException("k must be at least 1, got " + k, "k");
        }
        ImportanceSampler[] samplers = new ImportanceSampler[workers.count()];
        for (int w = 0; w < samplers.length; w++) {
            samplers[w] = StepFactory.importanceSampler(model, k, maxParticleRows, manager);
        }
        forEachRange(
                data.rows(),
                Math.min(samplers[0].chunk(), MAX_CHUNK),
                progress,
                (w, from, to) -> samplers[w].estimate(data, from, to, seed, out));
        return out;
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
