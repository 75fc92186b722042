/**
 * The training loop: {@link io.github.elbo4j.vae.train.Trainer} steps through epochs of
 * minibatches; its state is one record ({@link io.github.elbo4j.vae.train.TrainingPosition}), and
 * early stopping, the learning-rate schedule, checkpoints and metrics are listeners on the loop.
 * Every random draw derives from (seed, purpose, index) ({@link io.github.elbo4j.vae.train.Seeds}),
 * so a resumed run is bit-identical to an uninterrupted one.
 */
package io.github.elbo4j.vae.train;
