package io.github.elbo4j.vae.eval;

import io.github.elbo4j.data.Batching;
import io.github.elbo4j.data.Dataset;
import io.github.elbo4j.data.SettingException;
import io.github.elbo4j.vae.objective.ExampleTerms;
import io.github.elbo4j.vae.train.ProgressListener;
import java.util.Arrays;
import java.util.Locale;

/**
 * Per-record anomaly scores from a trained VAE, and a threshold taken from a quantile of the
 * training records' scores (An &amp; Cho 2015, "Variational Autoencoder based Anomaly Detection
 * using Reconstruction Probability").
 *
 * <p>For each record x, from K samples z_k ~ q(z|x) (one pass of {@link Evaluator#terms}):
 * <ul>
 *   <li>{@code neg_elbo} = KL(q(z|x) ‖ p(z)) − (1/K) Σ_k log p(x|z_k), the negative ELBO (the KL
 *       analytic for a standard normal prior, else averaged over the K samples);
 *   <li>{@code nll} = −log (1/K) Σ_k p(x, z_k)/q(z_k|x), the IWAE-K estimate of −log p(x);
 *   <li>{@code recon_logprob} = (1/K) Σ_k log p(x|z_k), the reconstruction log-probability.
 * </ul>
 * Higher {@code neg_elbo} and {@code nll}, and lower {@code recon_logprob}, are more anomalous; a
 * record is flagged when its chosen score exceeds the threshold t = Q_q(training scores), the
 * empirical q-quantile (linear interpolation between order statistics, Hyndman &amp; Fan type 7),
 * so about a fraction 1 − q of records like the training data are flagged.
 */
public final class AnomalyScorer {

    /** Which score the threshold applies to; each is oriented so that higher is more anomalous. */
    public enum Score {
        /** The negative ELBO. */
        NEG_ELBO,
        /** The IWAE-K negative log-likelihood. */
        NLL,
        /** The negated reconstruction log-probability. */
        RECON_LOGPROB;

        /** The snake_case name used on the command line and in files. */
        public String id() {
            return name().toLowerCase(Locale.ROOT);
        }

        /** Parses {@code neg_elbo}, {@code nll} or {@code recon_logprob}. */
        public static Score parse(String name) {
            for (Score s : values()) {
                if (s.id().equals(name)) {
                    return s;
                }
            }
            throw new SettingException("score must be neg_elbo, nll or recon_logprob, got '" + name + "'", "score");
        }
    }

    /**
     * Per-record scores, in dataset order.
     *
     * @param negElbo negative ELBO (nats)
     * @param nll IWAE-K negative log-likelihood (nats)
     * @param reconLogprob reconstruction log-probability (nats)
     * @param k importance samples per record
     */
    public record Scores(double[] negElbo, double[] nll, double[] reconLogprob, int k) {

        /** The chosen score, oriented so that higher is more anomalous. */
        public double[] anomalyScore(Score score) {
            return switch (score) {
                case NEG_ELBO -> negElbo.clone();
                case NLL -> nll.clone();
                case RECON_LOGPROB -> Arrays.stream(reconLogprob).map(v -> -v).toArray();
            };
        }

        /** Number of records. */
        public int size() {
            return negElbo.length;
        }
    }

    /**
     * A fitted threshold.
     *
     * @param score the score it applies to
     * @param quantile q
     * @param value t, the q-quantile of the training scores
     * @param fitted number of training records it was taken from
     */
    public record Threshold(Score score, double quantile, double value, int fitted) {

        /** Whether each record's score exceeds t. */
        public boolean[] flag(Scores scores) {
            double[] s = scores.anomalyScore(score);
            boolean[] flags = new boolean[s.length];
            for (int i = 0; i < s.length; i++) {
                flags[i] = s[i] > value;
            }
            return flags;
        }
    }

    /** The default quantile q of the threshold: about 1% of records like the training data are flagged. */
    public static final double DEFAULT_QUANTILE = 0.99;
    /** The default number of training records a threshold is fitted on. */
    public static final int DEFAULT_FIT_LIMIT = 5000;

    private final Evaluator evaluator;
    private final int k;
    private final long seed;

    /** A scorer that draws {@code k} samples per record from noise seeded by {@code seed}. */
    public AnomalyScorer(Evaluator evaluator, int k, long seed) {
        if (k < 1) {
            throw new SettingException("k must be at least 1, got " + k, "k");
        }
        this.evaluator = evaluator;
        this.k = k;
        this.seed = seed;
    }

    /** The three scores of every record of {@code data}. */
    public Scores score(Dataset data, ProgressListener progress) {
        ExampleTerms terms = evaluator.terms(data, k, seed, progress);
        int n = data.rows();
        double[] negElbo = new double[n];
        double[] nll = new double[n];
        for (int i = 0; i < n; i++) {
            negElbo[i] = terms.meanKl()[i] - terms.meanReconstruction()[i];
            nll[i] = -terms.bound()[i];
        }
        return new Scores(negElbo, nll, terms.meanReconstruction(), k);
    }

    /**
     * The training records a threshold is fitted on: all of {@code train} when it has at most
     * {@code limit}, else {@code limit} of them drawn by a permutation seeded with {@code seed}. The
     * report's anomaly histogram and {@code elbo4j score} both fit on these, so that they agree.
     */
    public static Dataset fitRecords(Dataset train, int limit, long seed) {
        if (limit < 1) {
            throw new SettingException("fitLimit must be at least 1, got " + limit, "fitLimit");
        }
        return train.rows() <= limit
                ? train
                : train.subset(Arrays.copyOf(Batching.permutation(train.rows(), seed, 0), limit));
    }

    /** The threshold t = Q_q of {@code score} over the records of {@code train}. */
    public Threshold fit(Dataset train, Score score, double quantile, ProgressListener progress) {
        requireQuantile(quantile);
        return new Threshold(
                score, quantile, quantile(score(train, progress).anomalyScore(score), quantile), train.rows());
    }

    /** The empirical q-quantile with linear interpolation (Hyndman &amp; Fan type 7, NumPy's default). */
    public static double quantile(double[] values, double q) {
        requireQuantile(q);
        if (values.length == 0) {
            throw new IllegalArgumentException("no values to take a quantile of");
        }
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        double h = (sorted.length - 1) * q;
        int lo = (int) Math.floor(h);
        int hi = Math.min(sorted.length - 1, lo + 1);
        return sorted[lo] + (h - lo) * (sorted[hi] - sorted[lo]);
    }

    private static void requireQuantile(double q) {
        if (!(q > 0 && q < 1)) {
            throw new SettingException("quantile must be between 0 and 1 (exclusive), e.g. 0.99, got " + q, "quantile");
        }
    }
}
