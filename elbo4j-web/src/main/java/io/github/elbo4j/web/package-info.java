/**
 * The elbo4j dashboard: a read-only local web server over run directories with live training
 * curves (server-sent events fed by {@code metrics.jsonl}), the latest plots, run comparison and
 * the ELBO explorer for the 1-D Gaussian model. It depends on the run-directory layout only, never
 * on the command line.
 */
package io.github.elbo4j.web;
