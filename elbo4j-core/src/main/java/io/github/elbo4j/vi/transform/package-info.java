/**
 * Constraint transforms on {@link io.github.elbo4j.vi.autodiff.Value}s: the smooth bijections from
 * the unconstrained space that variational inference works in onto a parameter's support, each with
 * its log absolute Jacobian determinant (Stan Reference Manual, "Constraint transforms"; Kucukelbir
 * et al., "Automatic Differentiation Variational Inference", JMLR 18, 2017, §2.3).
 *
 * <p>They are written once, on the autodiff tape: a Java model applies them when it declares a
 * parameter, a DJL model's density applies them before handing the constrained values to the
 * tensor engine, and {@link io.github.elbo4j.vi.Constraint} applies them to draws.
 */
package io.github.elbo4j.vi.transform;
