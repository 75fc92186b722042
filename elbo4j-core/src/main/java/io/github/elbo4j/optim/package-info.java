/**
 * Optimizers over flat parameter vectors.
 *
 * <p>elbo4j keeps every model's parameters in one contiguous vector so that an optimizer step is a
 * handful of fused native operations rather than a loop over tensors, and so that its state can be
 * checkpointed and restored exactly.
 */
package io.github.elbo4j.optim;
