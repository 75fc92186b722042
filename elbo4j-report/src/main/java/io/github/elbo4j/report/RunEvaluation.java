package io.github.elbo4j.report;

import ai.djl.ndarray.NDManager;
import io.github.elbo4j.data.Dataset;
import io.github.elbo4j.vae.eval.AnomalyScorer;
import io.github.elbo4j.vae.eval.Evaluator;
import io.github.elbo4j.vae.eval.Workers;
import io.github.elbo4j.vae.model.VaeModel;
import io.github.elbo4j.vae.objective.ElboSummary;
import io.github.elbo4j.vae.train.ProgressListener;
import java.util.Arrays;

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

    /**
     * Evaluates {@code model} on {@code data} with {@code workers} threads, and fits the anomaly
     * threshold on (up to {@value AnomalyScorer#DEFAULT_FIT_LIMIT} of) the {@code train} records,
     * reporting to {@code progress} the latent samples drawn: one per example for the ELBO, then K
     * per example for the IWAE estimates, so that the passes share one honest bar.
     */
    public static RunEvaluation compute(
            VaeModel model,
            NDManager manager,
            Dataset data,
            String split,
            Dataset train,
            int k,
            long seed,
            int workers,
            ProgressListener progress) {
        if (data.rows() == 0) {
            throw new IllegalArgumentException(data.name() + ": the " + split + " split is empty; nothing to evaluate");
        }
        long start = System.nanoTime();
        try (Workers pool = new Workers(workers)) {
            Evaluator evaluator = new Evaluator(model, manager, Evaluator.DEFAULT_MAX_PARTICLE_ROWS, pool);
            Dataset fit = AnomalyScorer.fitRecords(train, AnomalyScorer.DEFAULT_FIT_LIMIT, seed);
            long n = data.rows();
            long evaluated = n * (1L + k);
            long total = evaluated + (long) fit.rows() * k;
            ElboSummary summary = evaluator.elbo(data, seed, (done, all) -> progress.progress(done, total));
            double[] loglik = evaluator.importanceWeightedLogLikelihood(
                    data, k, seed, (done, all) -> progress.progress(n + done * k, total));
            double[] trainScores = Arrays.stream(evaluator.importanceWeightedLogLikelihood(
                            fit, k, seed, (done, all) -> progress.progress(evaluated + done * k, total)))
                    .map(v -> -v)
                    .toArray();
            double threshold = AnomalyScorer.quantile(trainScores, AnomalyScorer.DEFAULT_QUANTILE);
            return new RunEvaluation(
                    split, summary, loglik, k, seed, threshold, fit.rows(), (System.nanoTime() - start) / 1e9);
        }
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
