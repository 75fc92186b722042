/**
 * Not API: the fused SIMD training step and importance sampler, their matrix and vector kernels,
 * counter-based noise and thread helpers. Public only so that the vae packages can share them; other
 * modules must not use them (an architecture test checks it), and they may change in any release.
 */
package io.github.elbo4j.vae.internal;
