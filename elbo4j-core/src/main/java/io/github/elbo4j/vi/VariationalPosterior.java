package io.github.elbo4j.vi;

import io.github.elbo4j.elbo.LogEvidenceEstimate;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The result of a Gaussian variational fit: the fitted q, its draws and summaries on the
 * constrained scale, the ELBO trace, and the importance-sampling diagnostics of q against the
 * posterior. Immutable; carries its provenance (configuration, seed, step size, iterations).
 *
 * <p>With n draws {@code z_s ~ q} and log ratios {@code log w_s = log p(data, T(z_s)) + log|J(z_s)|
 * − log q(z_s)}: {@link #elbo()} is their mean, {@link #logEvidence()} the importance-sampling
 * estimate {@code log (1/n) Σ w_s} with Kong's effective sample size, and {@link #khat()} the Pareto
 * k̂ of the ratios' tail (see {@link ParetoSmoothing}, {@link KhatReading}). When k̂ ≤ 0.7, {@link
 * #resampledDraws(String)} holds draws resampled with the smoothed weights, which correct q towards
 * the posterior (Yao, Vehtari, Simpson and Gelman, "Yes, but did it work?: Evaluating variational
 * inference", ICML 2018).
 */
public final class VariationalPosterior {

    private final ViConfig config;
    private final List<ParameterBlock> blocks;
    private final FittedGaussian gaussian;
    private final Map<String, double[][]> draws;
    private final Map<String, double[][]> resampled;
    private final double elbo;
    private final double elboStandardError;
    private final LogEvidenceEstimate logEvidence;
    private final double khat;
    private final List<TracePoint> trace;
    private final Provenance provenance;

    /**
     * How the fit ran.
     *
     * @param learningRate the step size η the main phase started with; NaN for a deterministic fit
     * @param learningRateSearched whether η came from the step-size search
     * @param iterations iterations of the main phase (Adam steps, or L-BFGS iterations)
     * @param adaptationIterations iterations spent by the step-size search
     * @param converged whether the convergence test ended the fit (otherwise the iteration cap did)
     * @param skippedSteps steps skipped because the ELBO or its gradient was not finite
     * @param seconds wall time of the step-size search and the optimization (not the final draws)
     * @param engine the tensor engine and its version, e.g. {@code PyTorch 2.7.1}
     * @param method how the ELBO was maximised, e.g. {@code stochastic (Adam, 5 particles)} or {@code
     *     deterministic (Gauss-Hermite, 16 nodes, L-BFGS)}
     */
    public record Provenance(double learningRate, boolean learningRateSearched, int iterations,
            int adaptationIterations, boolean converged, int skippedSteps, double seconds, String engine,
            String method) {}

    VariationalPosterior(ViConfig config, List<ParameterBlock> blocks, FittedGaussian gaussian,
            Map<String, double[][]> draws, Map<String, double[][]> resampled, double elbo,
            double elboStandardError, LogEvidenceEstimate logEvidence, double khat,
            List<TracePoint> trace, Provenance provenance) {
        this.config = config;
        this.blocks = List.copyOf(blocks);
        this.gaussian = gaussian;
        this.draws = Map.copyOf(draws);
        this.resampled = resampled == null ? null : Map.copyOf(resampled);
        this.elbo = elbo;
        this.elboStandardError = elboStandardError;
        this.logEvidence = logEvidence;
        this.khat = khat;
        this.trace = List.copyOf(trace);
        this.provenance = provenance;
    }

    /** The configuration, seed included. */
    public ViConfig config() {
        return config;
    }

    /** The model's parameter blocks, in order. */
    public List<ParameterBlock> blocks() {
        return blocks;
    }

    /** q over the unconstrained space. */
    public FittedGaussian gaussian() {
        return gaussian;
    }

    /** The ELBO of the fitted q, estimated from the output draws, in nats. */
    public double elbo() {
        return elbo;
    }

    /** The Monte Carlo standard error of {@link #elbo()}. */
    public double elboStandardError() {
        return elboStandardError;
    }

    /** The importance-sampling estimate of log p(data) with q as proposal. */
    public LogEvidenceEstimate logEvidence() {
        return logEvidence;
    }

    /** The Pareto k̂ of the importance ratios. */
    public double khat() {
        return khat;
    }

    /** The reading of k̂. */
    public KhatReading khatReading() {
        return KhatReading.of(khat);
    }

    /** The monitored ELBO of the main phase. */
    public List<TracePoint> trace() {
        return trace;
    }

    /** How the fit ran. */
    public Provenance provenance() {
        return provenance;
    }

    /**
     * Draws of one block from q, on the constrained scale.
     *
     * @param name the block
     * @return {@code [numDraws][block size]} (a copy), elements in row-major order of the block shape
     */
    public double[][] draws(String name) {
        return copy(lookup(draws, name));
    }

    /**
     * Importance-resampled draws of one block, present when k̂ ≤ 0.7.
     *
     * @param name the block
     * @return {@code [numDraws][block size]}, or empty when k̂ says the weights are unreliable
     */
    public Optional<double[][]> resampledDraws(String name) {
        return resampled == null ? Optional.empty() : Optional.of(copy(lookup(resampled, name)));
    }

    /**
     * Marginal summaries of every element of a block, from the q draws.
     *
     * @param name the block
     * @return one summary per element
     */
    public List<ParameterSummary> summary(String name) {
        double[][] values = lookup(draws, name);
        int size = values[0].length;
        ParameterSummary[] result = new ParameterSummary[size];
        double[] column = new double[values.length];
        for (int j = 0; j < size; j++) {
            for (int s = 0; s < values.length; s++) {
                column[s] = values[s][j];
            }
            result[j] = ParameterSummary.of(column);
        }
        return List.of(result);
    }

    /** Summaries of every block, in block order. */
    public Map<String, List<ParameterSummary>> summaries() {
        Map<String, List<ParameterSummary>> all = new LinkedHashMap<>();
        for (ParameterBlock block : blocks) {
            all.put(block.name(), summary(block.name()));
        }
        return all;
    }

    private double[][] lookup(Map<String, double[][]> source, String name) {
        double[][] values = source.get(name);
        if (values == null) {
            throw new IllegalArgumentException("no parameter block '" + name + "'; blocks are "
                    + blocks.stream().map(ParameterBlock::name).toList());
        }
        return values;
    }

    private static double[][] copy(double[][] values) {
        double[][] result = new double[values.length][];
        for (int i = 0; i < values.length; i++) {
            result[i] = values[i].clone();
        }
        return result;
    }
}
