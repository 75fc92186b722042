/**
 * Reverse-mode automatic differentiation on plain Java doubles, vectorized: a {@link
 * io.github.elbo4j.vi.autodiff.Value} holds a whole array (scalar, vector or row-major matrix), a
 * {@link io.github.elbo4j.vi.autodiff.Tape} records the values of one evaluation in order, and one
 * reverse loop over the tape gives the gradient.
 *
 * <p>This is what lets a model written in Java cost microseconds per log density and gradient, with
 * no tensor engine call: the variational fits evaluate a model thousands of times. New operations
 * with hand-derived partials (densities, linear algebra) are added through {@link
 * io.github.elbo4j.vi.autodiff.Value#derive}, as Stan Math's "operands and partials" do (Carpenter,
 * Hoffman, Brubaker, Lee, Li and Betancourt, "The Stan Math Library: Reverse-Mode Automatic
 * Differentiation in C++", 2015).
 */
package io.github.elbo4j.vi.autodiff;
