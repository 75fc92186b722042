/**
 * What a variational autoencoder is: its configuration ({@link io.github.elbo4j.vae.model.VaeConfig},
 * {@link io.github.elbo4j.vae.model.Architecture}, {@link io.github.elbo4j.vae.model.Activation},
 * {@link io.github.elbo4j.vae.model.Likelihood}, the latent prior), its weights and the networks they
 * make.
 *
 * <p>A {@link io.github.elbo4j.vae.model.VaeModel} keeps all of its weights in one flat parameter
 * vector (so an optimizer step is a few fused operations, and checkpoints are exact); a
 * {@link io.github.elbo4j.vae.model.VaeNetwork} is a view of those weights bound to one computation
 * scope. Sign convention for the whole library: a loss is −ELBO; ELBOs and log-likelihoods are in
 * nats per example, summed over data and latent dimensions. See docs/ARCHITECTURE.md.
 */
package io.github.elbo4j.vae.model;
