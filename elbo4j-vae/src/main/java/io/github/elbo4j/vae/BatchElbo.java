package io.github.elbo4j.vae;

/** A minibatch's plain ELBO (β = 1, no free bits), reconstruction term and analytic KL, each summed over the batch. */
record BatchElbo(double elbo, double reconstruction, double kl) {}
