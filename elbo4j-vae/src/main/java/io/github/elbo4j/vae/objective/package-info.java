/**
 * What training maximizes and how one step computes it: the objective (the ELBO with β, a KL
 * schedule and free bits, or the importance-weighted bound) and the training step that evaluates it
 * and its gradient on a batch, on the engine or on the fused SIMD path (chosen once, by one factory).
 * See docs/ARCHITECTURE.md, "Two backends".
 */
package io.github.elbo4j.vae.objective;
