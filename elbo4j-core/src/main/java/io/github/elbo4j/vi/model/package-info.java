/**
 * Models written in Java like Stan programs: {@link io.github.elbo4j.vi.model.JavaModel#of} takes
 * one lambda that declares the parameters through a {@link io.github.elbo4j.vi.model.ModelContext}
 * (each declaration applies its constraint transform and adds the log-Jacobian) and adds the log
 * density's terms, computed with {@link io.github.elbo4j.vi.autodiff.Value}s and the densities of
 * {@code io.github.elbo4j.vi.density}. The lambda runs once per evaluation on a fresh autodiff tape,
 * so a log density and its gradient cost microseconds, with no tensor engine. See {@code
 * docs/vi-models.md} for the guide.
 */
package io.github.elbo4j.vi.model;
