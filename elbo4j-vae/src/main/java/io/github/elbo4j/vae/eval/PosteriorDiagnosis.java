package io.github.elbo4j.vae.eval;

import io.github.elbo4j.vae.objective.ElboSummary;
import java.util.ArrayList;
import java.util.List;

/**
 * How much a VAE's latent code is used, and whether its posterior has collapsed onto the prior.
 *
 * <p>Per latent dimension j: the average KL(q(z_j|x) ‖ N(0, 1)) over the data, and Burda et al.'s
 * activity statistic A_j = Cov_x(E_q[z_j|x]) (Burda, Grosse &amp; Salakhutdinov 2016, §5.2); the
 * unit is <em>active</em> when A_j &gt; 0.01. A dimension is <em>collapsed</em> when it is inactive
 * and its average KL is below {@link #COLLAPSED_DIMENSION_KL} nats: q(z_j|x) ≈ p(z_j) for every x,
 * so the decoder learns nothing from it. The whole posterior has collapsed when no unit is active
 * or the total KL is below {@link #COLLAPSED_TOTAL_KL} nat per example: the code then tells the
 * decoder almost nothing about x (too strong a decoder, or too large a β; Bowman et al. 2016).
 *
 * @param n examples the statistics were computed on
 * @param klPerDimension average KL per latent dimension (nats); NaN under a VampPrior, whose KL does
 *     not split over dimensions
 * @param posteriorMeanVariance Cov_x(E_q[z_j|x]) per latent dimension
 * @param activeUnits dimensions with Cov_x(E_q[z_j|x]) &gt; 0.01
 * @param collapsedDimensions indices of collapsed dimensions (0-based)
 * @param collapsed whether the posterior as a whole has collapsed
 * @param kl total average KL (nats per example)
 */
public record PosteriorDiagnosis(
        int n,
        double[] klPerDimension,
        double[] posteriorMeanVariance,
        int activeUnits,
        int[] collapsedDimensions,
        boolean collapsed,
        double kl) {

    /** Average KL below which an inactive dimension counts as collapsed (nats). */
    public static final double COLLAPSED_DIMENSION_KL = 0.05;
    /** Total average KL below which the whole posterior counts as collapsed (nats per example). */
    public static final double COLLAPSED_TOTAL_KL = 1.0;

    /** The diagnosis of an {@link ElboSummary} (e.g. from {@link Evaluator#elbo}). */
    public static PosteriorDiagnosis of(ElboSummary summary) {
        double[] kl = summary.klPerDimension().clone();
        double[] variance = summary.posteriorMeanVariance().clone();
        List<Integer> collapsed = new ArrayList<>();
        double total = 0;
        for (int j = 0; j < kl.length; j++) {
            total += kl[j];
            // Without a per-dimension KL (VampPrior: NaN) a dimension is judged by its activity alone.
            if (variance[j] <= ElboSummary.ACTIVE_UNIT_THRESHOLD && !(kl[j] >= COLLAPSED_DIMENSION_KL)) {
                collapsed.add(j);
            }
        }
        if (Double.isNaN(total)) {
            total = summary.kl();
        }
        int active = summary.activeUnits();
        return new PosteriorDiagnosis(
                summary.n(),
                kl,
                variance,
                active,
                collapsed.stream().mapToInt(Integer::intValue).toArray(),
                active == 0 || total < COLLAPSED_TOTAL_KL,
                total);
    }

    /** The number of latent dimensions. */
    public int latent() {
        return klPerDimension.length;
    }

    /** A plain-language verdict with what to do about it. */
    public String message() {
        int d = latent();
        if (collapsed) {
            return String.format(
                    "Posterior collapse: %d of %d latent dimensions are active and the code carries"
                            + " %.2f nats per example, so the decoder models the data almost without it. Lower β,"
                            + " warm the KL up with a linear:N KL schedule, set free bits, or weaken the decoder.",
                    activeUnits, d, kl);
        }
        if (collapsedDimensions.length > d / 2) {
            return String.format(
                    "Partial collapse: %d of %d latent dimensions are unused (KL < %.2f nats, inactive);"
                            + " the other %d carry %.2f nats per example. This is common with a large latent space;"
                            + " a smaller latent dimension gives the same model, free bits keep dimensions in use.",
                    collapsedDimensions.length, d, COLLAPSED_DIMENSION_KL, activeUnits, kl);
        }
        return String.format(
                "Healthy: %d of %d latent dimensions are active and the code carries %.2f nats"
                        + " per example; no posterior collapse.",
                activeUnits, d, kl);
    }
}
