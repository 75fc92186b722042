/**
 * Probability distributions over DJL tensors with log-densities, sampling, reparameterised sampling
 * and entropies.
 *
 * <p><b>Shapes.</b> A distribution has a <em>batch shape</em> (independent, not necessarily
 * identically distributed copies) and an <em>event shape</em> (the shape of one draw). For the
 * multivariate families ({@link io.github.elbo4j.distributions.DiagonalNormal}, {@link
 * io.github.elbo4j.distributions.StandardNormal}, {@link
 * io.github.elbo4j.distributions.MultivariateNormal}, {@link
 * io.github.elbo4j.distributions.Bernoulli}) the event is the <em>last axis</em>; {@code logProb}
 * sums over it and returns the batch shape. {@link io.github.elbo4j.distributions.Normal} is
 * univariate and elementwise. Values broadcast against parameters like PyTorch tensors, so {@code
 * logProb} of particles {@code [S, B, D]} under a batch {@code [B]} of distributions is {@code [S,
 * B]}. Samples have shape {@code [numSamples, ...batch, ...event]}.
 *
 * <p><b>Parameterisation.</b> Scale parameters are kept unconstrained where the family allows:
 * {@link io.github.elbo4j.distributions.DiagonalNormal} is built from {@code log σ} or {@code log
 * σ²} (what a VAE encoder outputs), {@link io.github.elbo4j.distributions.Bernoulli} from logits.
 *
 * <p><b>Gradients and memory.</b> Derived quantities (σ from log σ², probabilities from logits) are
 * computed inside each method, never cached, so they are recorded by whichever DJL {@code
 * GradientCollector} is active when the method runs. Temporaries are closed before a method
 * returns; results are attached to the distribution's {@link
 * io.github.elbo4j.distributions.Distribution#manager() manager} (the manager of its parameters)
 * unless a method says otherwise.
 *
 * <p>Reference for the conventions: PyTorch {@code torch.distributions} and Pyro (Bingham et al.,
 * "Pyro: Deep Universal Probabilistic Programming", JMLR 20, 2019).
 */
package io.github.elbo4j.distributions;
