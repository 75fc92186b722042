/**
 * Variational autoencoders (Kingma &amp; Welling 2014; Rezende et al. 2014).
 *
 * <p>A {@link io.github.elbo4j.vae.VaeModel} keeps all of its weights in one flat parameter vector
 * (so an optimizer step is a few fused native operations, and checkpoints are exact); a
 * {@link io.github.elbo4j.vae.VaeNetwork} is a view of those weights bound to one computation
 * scope. The {@link io.github.elbo4j.vae.Trainer} maximizes a
 * {@link io.github.elbo4j.vae.TrainingObjective} (the reparameterized ELBO with analytic KL, with
 * β, a {@link io.github.elbo4j.vae.KlSchedule}, free bits, or the IWAE bound) one
 * {@link io.github.elbo4j.vae.TrainingStep} at a time, the engine's or the fused one as
 * {@link io.github.elbo4j.vae.StepFactory} chooses, the
 * {@link io.github.elbo4j.vae.Evaluator} reports the test ELBO and the importance-weighted
 * log-likelihood estimate, {@link io.github.elbo4j.vae.PosteriorDiagnosis} detects posterior
 * collapse, {@link io.github.elbo4j.vae.AnomalyScorer} scores records, {@link
 * io.github.elbo4j.vae.Latents} encodes, reconstructs and interpolates, and a
 * {@link io.github.elbo4j.vae.RunDirectory} holds everything a training run writes. Sign convention: a loss is −ELBO; ELBOs and log-likelihoods are in nats
 * per example, summed over data and latent dimensions.
 */
package io.github.elbo4j.vae;
