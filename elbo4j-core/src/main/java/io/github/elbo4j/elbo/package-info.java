/**
 * Estimators of the evidence lower bound (ELBO) and of the log evidence for latent-variable models
 * {@code p(x, z) = p(x | z) p(z)} with a reparameterised variational posterior {@code q(z | x)}.
 *
 * <pre>
 *   ELBO(x) = E_q[log p(x, z) − log q(z | x)] = E_q[log p(x | z)] − KL(q(z | x) ‖ p(z)) ≤ log p(x)
 *   log p(x) = ELBO(x) + KL(q(z | x) ‖ p(z | x))
 *   IWAE_K(x) = E[log (1/K) Σ_k p(x, z_k)/q(z_k | x)]
 *   ELBO = IWAE_1 ≤ IWAE_K ≤ IWAE_{K+1} → log p(x)
 * </pre>
 *
 * <p>Conventions: every number is in nats per example, summed over data and latent dimensions;
 * higher is better; a <em>loss</em> is the negated ELBO. Particles are batched on a leading axis:
 * standard noise {@code [S, B, D]} gives latents {@code [S, B, D]} and per-particle terms {@code
 * [S, B]}; estimators return per-example tensors {@code [B]}.
 *
 * <p>References: Kingma and Welling, "Auto-Encoding Variational Bayes", ICLR 2014; Burda, Grosse
 * and Salakhutdinov, "Importance Weighted Autoencoders", ICLR 2016; Blei, Kucukelbir and McAuliffe,
 * "Variational Inference: A Review for Statisticians", JASA 112 (2017).
 */
package io.github.elbo4j.elbo;
