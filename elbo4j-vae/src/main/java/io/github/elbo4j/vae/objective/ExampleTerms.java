package io.github.elbo4j.vae.objective;

/**
 * What an {@link ImportanceSampler} pass yields per example of a dataset, in dataset order: the
 * IWAE-K bound and, unless only the bounds were asked for, the terms of the single-sample ELBO of
 * the first particle (whose noise is a K = 1 pass's, so they are the ELBO that
 * {@link io.github.elbo4j.elbo.AnalyticKlElbo} gives from that noise), the K-particle averages,
 * and the encoder's statistics. Evaluation, scoring and the report take every number from one
 * such pass, so each example is encoded and decoded once.
 *
 * <p>The KL terms are the analytic KL(q(z|x) ‖ N(0, I)) for a standard normal prior. Against a
 * VampPrior, which has no closed form, they are Monte Carlo estimates: log q(z|x) − log p(z) at
 * the first particle, and its average over the K particles; the per-dimension KL is then NaN.
 *
 * @param latent latent dimensions
 * @param bound log (1/K) Σ_k p(x, z_k)/q(z_k|x), the IWAE-K bound
 * @param firstReconstruction log p(x|z_1), or null when only the bounds are computed
 * @param firstKl the KL term of the first particle's single-sample ELBO
 * @param meanReconstruction (1/K) Σ_k log p(x|z_k)
 * @param meanKl the KL term averaged over the K particles (the analytic KL itself for N(0, I))
 * @param klPerDimension [examples, latent], the analytic KL of each latent dimension
 * @param posteriorMean [examples, latent], E_q[z|x]
 */
public record ExampleTerms(
        int latent,
        double[] bound,
        double[] firstReconstruction,
        double[] firstKl,
        double[] meanReconstruction,
        double[] meanKl,
        float[] klPerDimension,
        float[] posteriorMean) {

    /** Room for every term of {@code examples} examples of a model with {@code latent} dimensions. */
    public static ExampleTerms allocate(int examples, int latent) {
        int cells = Math.multiplyExact(examples, latent);
        return new ExampleTerms(
                latent,
                new double[examples],
                new double[examples],
                new double[examples],
                new double[examples],
                new double[examples],
                new float[cells],
                new float[cells]);
    }

    /** The bounds alone, written into {@code bound}: the other terms are not computed. */
    public static ExampleTerms boundsOnly(double[] bound) {
        return new ExampleTerms(0, bound, null, null, null, null, null, null);
    }

    /** Whether the terms beside the bound are computed. */
    public boolean detailed() {
        return firstReconstruction != null;
    }

    /** Number of examples. */
    public int size() {
        return bound.length;
    }

    /**
     * Copies the one example these terms hold into example {@code e} of {@code target}: the bound
     * and, when both are detailed, every other term.
     */
    void copyTo(ExampleTerms target, int e) {
        target.bound[e] = bound[0];
        if (!detailed() || !target.detailed()) {
            return;
        }
        target.firstReconstruction[e] = firstReconstruction[0];
        target.firstKl[e] = firstKl[0];
        target.meanReconstruction[e] = meanReconstruction[0];
        target.meanKl[e] = meanKl[0];
        System.arraycopy(klPerDimension, 0, target.klPerDimension, e * latent, latent);
        System.arraycopy(posteriorMean, 0, target.posteriorMean, e * latent, latent);
    }

    /**
     * Dataset means of the first particle's single-sample ELBO and its terms, with the
     * per-dimension KL and Cov_x(E_q[z]) for the active-unit count, summed in double in dataset
     * order (so they do not depend on chunks or workers).
     */
    public ElboSummary elboSummary() {
        if (!detailed()) {
            throw new IllegalStateException("only the bounds were computed");
        }
        int n = size();
        double recon = 0;
        double kl = 0;
        double[] klSum = new double[latent];
        double[] meanSum = new double[latent];
        double[] squareSum = new double[latent];
        for (int i = 0; i < n; i++) {
            recon += firstReconstruction[i];
            kl += firstKl[i];
            for (int j = 0; j < latent; j++) {
                klSum[j] += klPerDimension[i * latent + j];
                double m = posteriorMean[i * latent + j];
                meanSum[j] += m;
                squareSum[j] += m * m;
            }
        }
        double[] klPerDimensionMean = new double[latent];
        double[] variance = new double[latent];
        for (int j = 0; j < latent; j++) {
            klPerDimensionMean[j] = klSum[j] / n;
            double mean = meanSum[j] / n;
            variance[j] = Math.max(0, squareSum[j] / n - mean * mean);
        }
        return new ElboSummary(n, (recon - kl) / n, recon / n, kl / n, klPerDimensionMean, variance);
    }
}
