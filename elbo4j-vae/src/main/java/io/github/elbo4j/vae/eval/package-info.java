/**
 * What a trained VAE is used for: the test ELBO and importance-weighted log-likelihood estimates
 * ({@link io.github.elbo4j.vae.eval.Evaluator}), posterior-collapse checks
 * ({@link io.github.elbo4j.vae.eval.PosteriorDiagnosis}), anomaly scores
 * ({@link io.github.elbo4j.vae.eval.AnomalyScorer}), samples
 * ({@link io.github.elbo4j.vae.eval.Generator}) and encodings, reconstructions and interpolations
 * ({@link io.github.elbo4j.vae.eval.LatentSpace}).
 */
package io.github.elbo4j.vae.eval;
