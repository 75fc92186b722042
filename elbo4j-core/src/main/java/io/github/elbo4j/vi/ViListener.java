package io.github.elbo4j.vi;

/** Receives the progress of a fit, e.g. to drive a progress bar. */
public interface ViListener {

    /** A listener that ignores everything. */
    ViListener NONE = new ViListener() {};

    /**
     * The step-size search tried a candidate.
     *
     * @param learningRate the candidate η
     * @param elbo the ELBO reached after the adaptation iterations (−∞ if it failed)
     */
    default void onStepSizeCandidate(double learningRate, double elbo) {}

    /**
     * The main phase measured the ELBO.
     *
     * @param point the measurement
     * @param maxIterations the iteration cap
     */
    default void onEvaluation(TracePoint point, int maxIterations) {}
}
