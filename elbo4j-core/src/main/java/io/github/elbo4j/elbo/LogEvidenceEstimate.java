package io.github.elbo4j.elbo;

/**
 * An importance-sampling estimate of the log evidence {@code log p(x)} from n log weights {@code
 * log w_i = log p(x, z_i) − log q(z_i)}, {@code z_i ~ q}.
 *
 * <pre>
 *   logEvidence         = log (1/n) Σ_i w_i
 *   effectiveSampleSize = (Σ_i w_i)² / Σ_i w_i²                        (Kong 1992)
 *   standardError       = sqrt( (n / ESS − 1) / (n − 1) )              (delta method)
 * </pre>
 *
 * <p>The standard error is that of {@code log Ẑ} by the delta method, {@code sd(w)/(√n · mean(w))}
 * with the unbiased sample variance; written with the normalised weights {@code r_i = w_i /
 * mean(w)} (so {@code Σ r_i² = n²/ESS}) it is the formula above. It is zero when all weights are
 * equal (q is the exact posterior; then ESS = n) and, like ESS, it is itself an estimate that can
 * be badly optimistic when q has lighter tails than the posterior. {@code logEvidence} is biased
 * low for finite n (Jensen) and consistent.
 *
 * <p>Reference: Owen, <i>Monte Carlo theory, methods and examples</i>, 2013, §9.3 (ESS) and §9.2
 * (ratio/delta-method variance); Kong, "A note on importance sampling using standardized weights",
 * Tech. Rep. 348, Univ. of Chicago, 1992.
 *
 * @param logEvidence the estimate of {@code log p(x)} in nats; −∞ if every weight is zero
 * @param standardError the delta-method standard error of {@code logEvidence}; NaN when {@code n =
 *     1} or every weight is zero
 * @param effectiveSampleSize Kong's ESS, between 1 and n (0 if every weight is zero)
 * @param numSamples n
 */
public record LogEvidenceEstimate(
        double logEvidence, double standardError, double effectiveSampleSize, int numSamples) {}
