/**
 * Kullback–Leibler divergences {@code KL(q ‖ p) = E_q[log q(z) − log p(z)]} between distributions:
 * a registry of closed forms keyed by the pair of concrete classes, with a Monte Carlo fallback for
 * pairs that have none.
 *
 * <p>Reference: Kullback and Leibler, "On Information and Sufficiency", Ann. Math. Statist. 22
 * (1951); the registry design follows {@code torch.distributions.kl.register_kl}.
 */
package io.github.elbo4j.kl;
