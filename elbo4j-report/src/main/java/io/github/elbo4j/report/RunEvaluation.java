package io.github.elbo4j.report;

import ai.djl.ndarray.NDManager;
import io.github.elbo4j.data.Dataset;
import io.github.elbo4j.vae.eval.AnomalyScorer;
import io.github.elbo4j.vae.eval.Evaluator;
import io.github.elbo4j.vae.eval.Workers;
import io.github.elbo4j.vae.model.VaeModel;
import io.github.elbo4j.vae.objective.ElboSummary;
import io.github.elbo4j.vae.objective.ExampleTerms;
import io.github.elbo4j.vae.train.ProgressListener;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.IntStream;

/**
 * The numbers a report shows of a trained model on one split, each with its estimator: the
 * single-sample analytic-KL ELBO and its terms (K = 1), encoder statistics (per-dimension KL,
 * active units), and the per-example importance-weighted estimate of log p(x) with K samples
 * (Burda et al. 2015), which is also the anomaly score (its negation).
 *
 * @param split which split: test, valid or train
 * @param summary ELBO, terms and encoder statistics
 * @param loglik per-example IWAE-K estimates of log p(x), in dataset order
 * @param k importance samples per example
 * @param seed noise seed of both estimates
 * @param anomalyThreshold the anomaly threshold on −log p(x): the {@value AnomalyScorer#DEFAULT_QUANTILE}
 *     quantile of the same IWAE-K estimate over the training records, exactly as
 *     {@code elbo4j score --by nll --k K --seed SEED} fits it
 * @param thresholdRecords how many training records the threshold was fitted on
 * @param seconds wall time of the evaluation
 */
public record RunEvaluation(
        String split,
        ElboSummary summary,
        double[] loglik,
        int k,
        long seed,
        double anomalyThreshold,
        int thresholdRecords,
        double seconds) {

    /** Examples and particles of the pass that measures the time per particle for a budget. */
    private static final int PILOT_EXAMPLES = 200;

    private static final int PILOT_K = 10;
    /** The values K is lowered through until the evaluation fits its budget. */
    private static final int[] K_LADDER = {500, 200, 100, 50, 20, 10, 5, 2, 1};

    /**
     * Evaluates {@code model} on {@code data} with {@code options.workers()} threads, and fits the
     * anomaly threshold on (up to {@value AnomalyScorer#DEFAULT_FIT_LIMIT} of) the {@code train}
     * records, reporting to {@code progress} the latent samples drawn: K per example of both. The
     * ELBO and its terms come from the first of each example's K particles, in the same pass as the
     * IWAE-K estimate (see {@link Evaluator#evaluate}).
     *
     * <p>K is {@code options.k()}, or with a finite {@code options.budgetSeconds()} the largest of
     * {@code options.k()}, 500, 200, 100, 50, 20, 10, 5, 2 and 1 not above it whose two passes
     * should end within the budget: a short pass of 10 particles on up to 200 examples, run twice,
     * measures the time per particle the second time
     * (both are taken from the budget). Every figure then says which K it was computed with.
     */
    public static RunEvaluation compute(
            VaeModel model,
            NDManager manager,
            Dataset data,
            String split,
            Dataset train,
            RunArtifacts.Options options,
            ProgressListener progress) {
        if (data.rows() == 0) {
            throw new IllegalArgumentException(data.name() + ": the " + split + " split is empty; nothing to evaluate");
        }
        long start = System.nanoTime();
        long seed = options.seed();
        try (Workers pool = new Workers(options.workers())) {
            Evaluator evaluator = new Evaluator(model, manager, Evaluator.DEFAULT_MAX_PARTICLE_ROWS, pool);
            Dataset fit = AnomalyScorer.fitRecords(train, AnomalyScorer.DEFAULT_FIT_LIMIT, seed);
            long n = data.rows();
            int k = affordableK(evaluator, data, n + fit.rows(), options, progress);
            long evaluated = n * k;
            long total = evaluated + (long) fit.rows() * k;
            ExampleTerms terms = evaluator.terms(data, k, seed, (done, all) -> progress.progress(done * k, total));
            double[] trainScores = Arrays.stream(evaluator.importanceWeightedLogLikelihood(
                            fit, k, seed, (done, all) -> progress.progress(evaluated + done * k, total)))
                    .map(v -> -v)
                    .toArray();
            double threshold = AnomalyScorer.quantile(trainScores, AnomalyScorer.DEFAULT_QUANTILE);
            return new RunEvaluation(
                    split,
                    terms.elboSummary(),
                    terms.bound(),
                    k,
                    seed,
                    threshold,
                    fit.rows(),
                    (System.nanoTime() - start) / 1e9);
        }
    }

    /**
     * {@code options.k()}, or the largest K of the ladder that {@code examples} examples should be
     * evaluated with within {@code options.budgetSeconds()}, said to {@code progress}.
     */
    private static int affordableK(
            Evaluator evaluator, Dataset data, long examples, RunArtifacts.Options options, ProgressListener progress) {
        if (options.budgetSeconds() == Double.POSITIVE_INFINITY) {
            return options.k();
        }
        long start = System.nanoTime();
        Dataset pilot = data.subset(
                IntStream.range(0, Math.min(data.rows(), PILOT_EXAMPLES)).toArray());
        // Twice, timing the second: the first runs largely before the JIT has compiled the
        // sampler, and would have K chosen for code many times slower than the passes will run.
        evaluator.importanceWeightedLogLikelihood(pilot, PILOT_K, options.seed(), ProgressListener.NONE);
        long timed = System.nanoTime();
        evaluator.importanceWeightedLogLikelihood(pilot, PILOT_K, options.seed(), ProgressListener.NONE);
        long end = System.nanoTime();
        double perParticle = (end - timed) / 1e9 / ((double) pilot.rows() * PILOT_K);
        double left = options.budgetSeconds() - (end - start) / 1e9;
        int k = options.k();
        for (int candidate : K_LADDER) {
            if (k * examples * perParticle <= left) {
                break;
            }
            k = Math.min(k, candidate);
        }
        progress.message(String.format(
                Locale.ROOT,
                "K=%d: the largest that fits a %.0f s budget (of at most K=%d)",
                k,
                options.budgetSeconds(),
                options.k()));
        return k;
    }

    /** The mean of the per-example log-likelihood estimates (nats per example). */
    public double meanLoglik() {
        double sum = 0;
        for (double v : loglik) {
            sum += v;
        }
        return sum / loglik.length;
    }

    /** Standard error of {@link #meanLoglik()} over examples; NaN with a single example. */
    public double loglikStandardError() {
        if (loglik.length < 2) {
            return Double.NaN;
        }
        double mean = meanLoglik();
        double squares = 0;
        for (double v : loglik) {
            squares += (v - mean) * (v - mean);
        }
        return Math.sqrt(squares / (loglik.length - 1) / loglik.length);
    }

    /** Anomaly scores: −log p(x) per example (nats), higher is more anomalous. */
    public double[] anomalyScores() {
        double[] scores = new double[loglik.length];
        for (int i = 0; i < scores.length; i++) {
            scores[i] = -loglik[i];
        }
        return scores;
    }

    /**
     * True when so few latent units are active that the model has (partly) collapsed onto the
     * prior: none at all, or fewer than a tenth of the latent dimensions.
     */
    public boolean collapseSuspected() {
        int latent = summary.klPerDimension().length;
        int active = summary.activeUnits();
        return active == 0 || active * 10 < latent;
    }
}
