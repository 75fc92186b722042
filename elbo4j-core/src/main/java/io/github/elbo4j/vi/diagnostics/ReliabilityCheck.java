package io.github.elbo4j.vi.diagnostics;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.IntFunction;

/**
 * Builds the {@link Reliability} verdict of a fit from what the fit measured. Each failed check adds
 * one reason with advice; the thresholds are those stated in {@code docs/vi-fitting.md}.
 *
 * @param converged whether the optimizer's own test held at the end
 * @param elbo the final ELBO, estimated from the output draws
 * @param bestElbo the best ELBO seen during the fit (the final one for a deterministic fit)
 * @param elboStandardError the Monte Carlo standard error of {@code elbo}
 * @param khat Pareto k̂ of the importance ratios of the output draws
 * @param relativeEffectiveSampleSize Kong's effective sample size of those ratios over their number
 * @param nonFiniteDraws output draws at which the log density was not finite
 * @param qMean μ of q over the unconstrained space
 * @param qCovariance Σ of q
 * @param comparison q against the Laplace approximation; null when the log density has no mode
 *     with a negative-definite Hessian
 * @param modeFound whether L-BFGS found a mode of the log density (its gradient test held)
 * @param meanField whether q has a diagonal covariance
 * @param modes how many distinct modes carrying mass L-BFGS found from its starting points
 * @param importanceShift how far the importance weights move q's means; null when not measured
 *     (e.g. the draws were already resampled)
 * @param coordinateName the name of each unconstrained coordinate, e.g. {@code log(tau)}
 */
public record ReliabilityCheck(
        boolean converged,
        double elbo,
        double bestElbo,
        double elboStandardError,
        double khat,
        double relativeEffectiveSampleSize,
        int nonFiniteDraws,
        double[] qMean,
        double[][] qCovariance,
        CovarianceComparison comparison,
        boolean modeFound,
        boolean meanField,
        int modes,
        ImportanceShift importanceShift,
        IntFunction<String> coordinateName) {

    /** k̂ above this: the importance ratios have no usable tail (Vehtari et al., JMLR 25, 2024). */
    public static final double KHAT_LIMIT = 0.7;
    /**
     * Importance weights whose relative effective sample size is at least this are nearly uniform:
     * they cannot move any expectation, so their k̂, then a noisy fit to a flat tail, does not count
     * against the fit (it reads anywhere from 0.2 to 0.8 for a q whose moments match the posterior's
     * to 0.03 sd, as on kidiq in {@code docs/vi-fitting.md}).
     */
    public static final double NEARLY_UNIFORM = 0.95;
    /** An unconstrained sd above this is a diverged fit, whatever the units. */
    public static final double SD_LIMIT = 1e8;
    /**
     * Importance weights (with k̂ ≤ {@value #KHAT_LIMIT}) that move a mean by more than this many of
     * q's sds (and beyond 3 standard errors): q is off-centre. Measured on posteriordb's set, 5 seeds
     * of DADVI, Pathfinder and Laplace (see {@code docs/posteriordb.md}): the weights move no mean of
     * a passing fit (every mean within 0.1 reference sd) by more than 0.11 sd, and none of a DADVI
     * fit by more than 0.16; they move the Laplace fits' σ by 0.37–0.43 on sblri (0.37–0.41 sd off)
     * and 0.63–0.86 on mesquite (0.70–0.76 sd off), the shift tracking the error.
     */
    public static final double MEAN_SHIFT_LIMIT = 0.2;
    /** ELBO more than this many nats (and standard errors) below the best seen: far from the optimum. */
    private static final double ELBO_SLACK = 1.0;

    /** Runs every check. */
    public Reliability verdict() {
        List<String> reasons = new ArrayList<>();
        boolean finite = Double.isFinite(elbo);
        double largestSd = 0;
        for (int i = 0; i < qMean.length; i++) {
            double sd = Math.sqrt(qCovariance[i][i]);
            finite &= Double.isFinite(qMean[i]) && Double.isFinite(sd);
            largestSd = Math.max(largestSd, sd);
        }
        if (!finite) {
            reasons.add("the fit diverged: q's mean, sd or ELBO is not finite; reparameterize the model"
                    + " or check its priors (an improper posterior has no Gaussian approximation)");
        } else if (largestSd > SD_LIMIT) {
            reasons.add(String.format(
                    Locale.ROOT,
                    "the fit diverged: q has an sd of %.3g on the"
                            + " unconstrained scale; the posterior may be improper: add proper priors or reparameterize",
                    largestSd));
        }
        if (!converged) {
            reasons.add("the optimizer did not converge; allow more iterations or try another method"
                    + " (dadvi, pathfinder)");
        }
        if (finite && Double.isFinite(bestElbo) && elbo < bestElbo - ELBO_SLACK - 3 * elboStandardError) {
            reasons.add(String.format(
                    Locale.ROOT,
                    "the final ELBO %.6g is far below the best seen %.6g:"
                            + " the fit ended away from the optimum; allow more iterations",
                    elbo,
                    bestElbo));
        }
        if (nonFiniteDraws > 0) {
            reasons.add(nonFiniteDraws + " draws from q fall where the log density is not finite;"
                    + " check the model's support and constraints");
        }
        if (Double.isNaN(khat) || khat > KHAT_LIMIT && !(relativeEffectiveSampleSize >= NEARLY_UNIFORM)) {
            reasons.add(String.format(
                    Locale.ROOT,
                    "Pareto k̂ = %.2f > %.1f: q misses mass the posterior has;"
                            + " try %s, or reparameterize (e.g. non-centered)",
                    khat,
                    KHAT_LIMIT,
                    meanField ? "the full-rank family" : "pathfinder"));
        }
        if (modes > 1) {
            reasons.add(modes + " distinct modes of the log density were found from different starting points:"
                    + " the posterior has several modes and a Gaussian, centred on the highest, cannot represent it;"
                    + " identify the model (e.g. order constraints on exchangeable parameters) or use MCMC");
        }
        int shifted = importanceShift == null || !(khat <= KHAT_LIMIT) ? -1 : importanceShift.largestSignificant();
        if (shifted >= 0 && Math.abs(importanceShift.shifts()[shifted]) > MEAN_SHIFT_LIMIT) {
            reasons.add(String.format(
                    Locale.ROOT,
                    "importance weights move the mean of %s by %.2f of q's sds:"
                            + " q is off-centre; use the PSIS-resampled draws, or try dadvi with the full-rank family",
                    coordinateName.apply(shifted),
                    importanceShift.shifts()[shifted]));
        }
        if (!modeFound) {
            reasons.add("L-BFGS found no mode of the log density, so q could not be checked against the curvature"
                    + " there; the posterior may be improper or have its mass at a boundary");
        }
        if (comparison != null && finite) {
            double[] ratios = comparison.sdRatios();
            int wide = comparison.widest();
            int narrow = comparison.narrowest();
            if (ratios[wide] > CovarianceComparison.TOO_WIDE) {
                reasons.add(String.format(
                        Locale.ROOT,
                        "q is too wide: its sd of %s is %.3g times the Laplace sd"
                                + " at the mode, so the posterior is far from Gaussian there (skewed, heavy-tailed or"
                                + " funnel-shaped) or the fit has not reached the optimum; reparameterize, or compare with"
                                + " another method",
                        coordinateName.apply(wide),
                        ratios[wide]));
            }
            if (ratios[narrow] < CovarianceComparison.TOO_NARROW) {
                reasons.add(
                        String.format(
                                Locale.ROOT,
                                "q is too narrow: its sd of %s is %.2f times the Laplace sd" + " at the mode; %s",
                                coordinateName.apply(narrow),
                                ratios[narrow],
                                meanField
                                        ? "mean-field cannot represent the posterior's correlations: use full-rank or linear response"
                                        : "the posterior is far from Gaussian there or the fit is stuck; compare with another method"));
            }
        }
        return Reliability.of(reasons);
    }
}
