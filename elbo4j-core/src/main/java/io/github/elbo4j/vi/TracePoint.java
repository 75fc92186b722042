package io.github.elbo4j.vi;

/**
 * One monitored ELBO value of a fit.
 *
 * @param iteration the iteration of the main phase after which it was measured
 * @param elbo the ELBO of the iterates averaged since the previous point, estimated with the fit's
 *     fixed monitoring draws
 * @param learningRate the step size in use
 */
public record TracePoint(int iteration, double elbo, double learningRate) {}
