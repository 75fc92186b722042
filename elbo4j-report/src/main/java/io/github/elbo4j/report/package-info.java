/**
 * Pictures of a run: training curves, latent scatter, per-dimension KL and anomaly-score charts
 * (XChart), image grids of samples, reconstructions and interpolations (ImageIO), and the
 * self-contained HTML report that embeds them all.
 */
package io.github.elbo4j.report;
