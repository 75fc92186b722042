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
}
