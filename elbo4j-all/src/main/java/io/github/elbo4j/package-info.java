/**
 * The short path through elbo4j for a Java program: {@link io.github.elbo4j.Vae} trains a
 * variational autoencoder on a dataset (with {@link io.github.elbo4j.ConsoleProgress} on the
 * console if wanted), evaluates it, samples and reconstructs, writes the plots and the HTML report
 * of a run directory, and loads a run written by the command line or by itself. Everything it does
 * is done by the modules below it ({@code io.github.elbo4j.vae}, {@code .data}, {@code .report};
 * Gaussian variational inference for your own models is {@code io.github.elbo4j.vi.GaussianVi}),
 * which remain there for whatever the short path does not cover.
 */
package io.github.elbo4j;
