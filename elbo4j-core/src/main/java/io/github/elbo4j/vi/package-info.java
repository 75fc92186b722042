/**
 * Gaussian variational inference for models users write: parameter blocks with constraints mapped
 * to an unconstrained space with the log-Jacobian, mean-field, low-rank and full-rank Gaussian
 * guides, fitted from the mode of the log density ({@link io.github.elbo4j.vi.fit}) by DADVI (fixed
 * draws, L-BFGS, the default), stochastic ADVI (for minibatches), Pathfinder or Laplace ({@link
 * io.github.elbo4j.vi.ViMethod}), and a fitted posterior with draws, summaries, the
 * importance-sampling estimate of log p(data), the Pareto k̂ diagnostic and a reliability verdict
 * ({@link io.github.elbo4j.vi.diagnostics}). The methods and their stopping rules are documented in
 * {@code docs/vi-fitting.md}.
 *
 * <p>The fitting loop, the guides (with analytic reparameterization and entropy gradients) and Adam
 * work in plain Java doubles; a model is reached through its {@link
 * io.github.elbo4j.vi.UnconstrainedDensity}: reverse-mode autodiff on doubles for a {@link
 * io.github.elbo4j.vi.model.JavaModel}, one batched DJL forward and backward pass per step for a
 * model written with DJL operations, or a closed-form gradient with no tensor engine at all. A
 * model that can compute its expected log density under a Gaussian ({@link
 * io.github.elbo4j.vi.GaussianExpectation}, as logistic and Poisson regressions do by quadrature)
 * is fitted deterministically instead: L-BFGS on the exact ELBO.
 *
 * <p>Start with {@link io.github.elbo4j.vi.model.JavaModel#of} (a model written in Java like a Stan
 * program, differentiated on an autodiff tape; {@code docs/vi-models.md}), or {@link
 * io.github.elbo4j.vi.Model#builder()} for a log joint written with DJL tensors, and {@link
 * io.github.elbo4j.vi.GaussianVi#fit(io.github.elbo4j.vi.Model, io.github.elbo4j.vi.ViConfig)}.
 *
 * <p>References: Kucukelbir, Tran, Ranganath, Gelman and Blei, "Automatic Differentiation
 * Variational Inference", JMLR 18 (2017); Vehtari, Simpson, Gelman, Yao and Gabry, "Pareto
 * Smoothed Importance Sampling", JMLR 25 (2024); Yao, Vehtari, Simpson and Gelman, "Yes, but did it
 * work?: Evaluating variational inference", ICML 2018; Challis and Barber, "Gaussian
 * Kullback-Leibler approximate inference", JMLR 14 (2013).
 */
package io.github.elbo4j.vi;
