/**
 * The run directory and its files: {@link io.github.elbo4j.vae.run.RunDirectory} (layout, locking,
 * atomic writes), checkpoints and weights in checksummed safetensors, the metrics log and the run's
 * manifest. The format is described in docs/ARCHITECTURE.md, "Run directory".
 */
package io.github.elbo4j.vae.run;
