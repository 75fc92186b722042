package io.github.elbo4j.vae.objective;

import io.github.elbo4j.data.Dataset;
import io.github.elbo4j.vae.internal.FusedImportanceSampler;

/**
 * The importance-sampling estimate of log p(x) per example,
 * log (1/K) Σ_k p(x, z_k)/q(z_k|x) with z_k ~ q(z|x) (the IWAE-K bound, Burda et al. 2015), for
 * one model and one K, with example e's noise {@link GaussianNoise#perExample}'s: the estimate
 * depends on the seed alone, not on the chunking nor on the implementation beyond float rounding.
 *
 * <p>Two implementations: the engine's, through core's
 * {@link io.github.elbo4j.elbo.ImportanceWeightedElbo}, for every model, and
 * {@link FusedImportanceSampler} on JVM arrays for the models it supports.
 * {@link StepFactory#importanceSampler} chooses. Not thread-safe: one instance per worker.
 */
public interface ImportanceSampler {

    /** Examples per {@link #estimate} call that keep within the sampler's memory budget. */
    int chunk();

    /**
     * Writes the estimate of log p(x_e) into {@code out.bound()[e]} for examples
     * {@code from ≤ e < to} of {@code data}, at most {@link #chunk()} of them, and, when
     * {@code out} is {@link ExampleTerms#detailed}, their other terms from the same particles.
     */
    void estimate(Dataset data, int from, int to, long seed, ExampleTerms out);

    /**
     * {@link #estimate} with each example under its own seed: example e's terms are those of
     * {@code estimate} on e alone, as example 0 of a dataset of its own, under {@code seeds[e]}. An
     * example's terms then depend on its values and its seed alone, not on which examples share the
     * call, which is how a Spark partition is scored. This default makes one call per example; the
     * fused sampler decodes the examples together, to the same bits.
     *
     * @param seeds per example of {@code data}, the seed its noise is derived from
     */
    default void estimate(Dataset data, int from, int to, long[] seeds, ExampleTerms out) {
        for (int e = from; e < to; e++) {
            ExampleTerms one =
                    out.detailed() ? ExampleTerms.allocate(1, out.latent()) : ExampleTerms.boundsOnly(new double[1]);
            estimate(data.subset(new int[] {e}), 0, 1, seeds[e], one);
            one.copyTo(out, e);
        }
    }
}
