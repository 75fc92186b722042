package io.github.elbo4j.vi;

import io.github.elbo4j.elbo.LogEvidenceEstimate;
import io.github.elbo4j.vi.diagnostics.CovarianceComparison;
import io.github.elbo4j.vi.diagnostics.Reliability;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
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
 * k̂ of the ratios' tail (see {@link ParetoSmoothing}, {@link KhatReading}). When k̂ ≤ 0.7 the
 * smoothed weights correct q towards the posterior (Yao, Vehtari, Simpson and Gelman, "Yes, but did
 * it work?: Evaluating variational inference", ICML 2018): {@link #importanceWeights()} holds them,
 * the {@link #summary(String) summaries} are the importance-weighted estimates of the posterior's
 * moments and quantiles rather than q's (a Gaussian fitted by minimising KL(q‖p) is narrower than a
 * skewed posterior; the weights undo that), and {@link #resampledDraws(String)} holds draws resampled
 * with the weights. The draws' noise is centred ({@code Σ ε_s = 0}), so that the weighted mean of an
 * unconstrained coordinate is q's mean exactly plus what the weights move it by, without the Monte
 * Carlo error of where q's draws fell.
 *
 * <p>{@link #reliable()} is the fit's verdict on itself: false, with {@link #reliabilityReasons()}
 * in plain words, whenever the optimizer did not converge, k̂ exceeds 0.7, a value is not finite,
 * the ELBO ended far below the best seen, or q's covariance disagrees with the Laplace covariance at
 * the mode ({@link #laplaceComparison()}). Read the numbers only when it is true.
 */
public final class VariationalPosterior {

    private final ViConfig config;
    private final List<ParameterBlock> blocks;
    private final FittedGaussian gaussian;
    private final Map<String, double[][]> draws;
    private final Map<String, double[][]> resampled;
    /** The normalised PSIS weights of the draws, or null when the summaries are q's own. */
    private final double[] weights;

    private final double elbo;
    private final double elboStandardError;
    private final LogEvidenceEstimate logEvidence;
    private final double khat;
    private final List<TracePoint> trace;
    private final Provenance provenance;
    private final Reliability reliability;
    private final CovarianceComparison laplaceComparison;
    private final FittedGaussian linearResponse;
    private final Map<String, double[][]> linearResponseDraws;

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
    public record Provenance(
            double learningRate,
            boolean learningRateSearched,
            int iterations,
            int adaptationIterations,
            boolean converged,
            int skippedSteps,
            double seconds,
            String engine,
            String method) {}

    /**
     * What the fit checked about itself.
     *
     * @param reliability the verdict
     * @param laplaceComparison q against the Laplace approximation at the mode; null without a mode
     * @param linearResponse the linear-response Gaussian of a mean-field fit; null unless requested
     * @param linearResponseDraws its draws on the constrained scale; null with it
     */
    record Checks(
            Reliability reliability,
            CovarianceComparison laplaceComparison,
            FittedGaussian linearResponse,
            Map<String, double[][]> linearResponseDraws) {}

    VariationalPosterior(
            ViConfig config,
            List<ParameterBlock> blocks,
            FittedGaussian gaussian,
            Map<String, double[][]> draws,
            Map<String, double[][]> resampled,
            double[] weights,
            double elbo,
            double elboStandardError,
            LogEvidenceEstimate logEvidence,
            double khat,
            List<TracePoint> trace,
            Provenance provenance,
            Checks checks) {
        this.config = config;
        this.blocks = List.copyOf(blocks);
        this.gaussian = gaussian;
        this.draws = Map.copyOf(draws);
        this.resampled = resampled == null ? null : Map.copyOf(resampled);
        this.weights = weights == null ? null : weights.clone();
        this.elbo = elbo;
        this.elboStandardError = elboStandardError;
        this.logEvidence = logEvidence;
        this.khat = khat;
        this.trace = List.copyOf(trace);
        this.provenance = provenance;
        this.reliability = checks.reliability();
        this.laplaceComparison = checks.laplaceComparison();
        this.linearResponse = checks.linearResponse();
        this.linearResponseDraws =
                checks.linearResponseDraws() == null ? null : Map.copyOf(checks.linearResponseDraws());
    }

    /** The verdict with its reasons. */
    public Reliability reliability() {
        return reliability;
    }

    /** Whether every check passed: converged, finite, k̂ ≤ 0.7, ELBO at its best, q agreeing with the mode's curvature. */
    public boolean reliable() {
        return reliability.reliable();
    }

    /** Why the fit is not reliable, one plain sentence with advice per failed check; empty when reliable. */
    public List<String> reliabilityReasons() {
        return reliability.reasons();
    }

    /**
     * q's covariance against the Laplace covariance at the mode of the log density (the check for q
     * too wide or too narrow that k̂ cannot make).
     *
     * @return the comparison, or empty when L-BFGS found no mode with a negative-definite Hessian
     */
    public Optional<CovarianceComparison> laplaceComparison() {
        return Optional.ofNullable(laplaceComparison);
    }

    /**
     * The linear-response Gaussian of a mean-field fit: q's mean with the covariance the response of
     * the mean to a perturbation implies (Giordano, Broderick and Jordan, JMLR 19, 2018), which
     * recovers the marginal variances that mean-field underestimates.
     *
     * @return it, when {@link ViConfig#linearResponse()} asked for it on a mean-field DADVI fit
     */
    public Optional<FittedGaussian> linearResponse() {
        return Optional.ofNullable(linearResponse);
    }

    /**
     * Draws of one block from the linear-response Gaussian, on the constrained scale.
     *
     * @param name the block
     * @return {@code [numDraws][block size]} (a copy), when {@link #linearResponse()} is present
     */
    public Optional<double[][]> linearResponseDraws(String name) {
        return linearResponseDraws == null ? Optional.empty() : Optional.of(copy(lookup(linearResponseDraws, name)));
    }

    /**
     * Marginal summaries of one block under the linear-response Gaussian.
     *
     * @param name the block
     * @return one summary per element, when {@link #linearResponse()} is present
     */
    public Optional<List<ParameterSummary>> linearResponseSummary(String name) {
        return linearResponseDraws == null
                ? Optional.empty()
                : Optional.of(summarise(lookup(linearResponseDraws, name), null));
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

    /** The reading of k̂, which takes the weights' effective sample size into account as the verdict does. */
    public KhatReading khatReading() {
        return KhatReading.of(khat, logEvidence.effectiveSampleSize() / logEvidence.numSamples());
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
     * Draws of one block from q, on the constrained scale: q's draws, equally weighted; weigh them
     * by {@link #importanceWeights()} (as the summaries do) for the posterior, or use {@link
     * #resampledDraws(String)}.
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
     * The normalised Pareto-smoothed importance weights of the draws ({@link #draws(String)}, in the
     * same order), which the summaries use.
     *
     * @return the weights (a copy, summing to 1), or empty when k̂ &gt; 0.7 says they cannot be
     *     trusted (the summaries are then q's own) or the draws are already resampled (Pathfinder)
     */
    public Optional<double[]> importanceWeights() {
        return Optional.ofNullable(weights).map(double[]::clone);
    }

    /**
     * Marginal summaries of every element of a block: of the draws weighted by {@link
     * #importanceWeights()} when present, else of q's draws.
     *
     * @param name the block
     * @return one summary per element
     */
    public List<ParameterSummary> summary(String name) {
        return summarise(lookup(draws, name), weights);
    }

    /** Summaries of each column of the values, with the weights, or equally weighted when null. */
    private static List<ParameterSummary> summarise(double[][] values, double[] weights) {
        int size = values[0].length;
        ParameterSummary[] result = new ParameterSummary[size];
        double[] column = new double[values.length];
        for (int j = 0; j < size; j++) {
            for (int s = 0; s < values.length; s++) {
                column[s] = values[s][j];
            }
            result[j] = weights == null ? ParameterSummary.of(column) : ParameterSummary.of(column, weights);
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

    /**
     * Saves the fit to a folder: {@code fit.json} (configuration, blocks, q, diagnostics, verdict,
     * provenance) and {@code draws.csv} (plus {@code resampled-draws.csv} and {@code
     * linear-response-draws.csv} when present). Never overwrites: a folder that already holds a fit is
     * refused.
     *
     * @param directory the folder, created if absent
     * @throws IllegalArgumentException if the folder already holds a fit
     * @throws java.io.UncheckedIOException if a file cannot be written
     */
    public void save(java.nio.file.Path directory) {
        FitFiles.save(this, directory);
    }

    /**
     * Loads a fit saved by {@link #save}.
     *
     * @param directory the folder
     * @return the fit, equal in every number to the one saved
     * @throws IllegalArgumentException naming the file and field if the files are malformed
     * @throws java.io.UncheckedIOException if a file cannot be read
     */
    public static VariationalPosterior load(java.nio.file.Path directory) {
        return FitFiles.load(directory);
    }

    /**
     * The verdict first when the fit is unreliable, then one row per scalar parameter: mean, sd and
     * the 5%, 50% and 95% quantiles on the constrained scale ({@link #summary(String)}), then the
     * method, ELBO and k̂.
     */
    public String summaryTable() {
        StringBuilder out = new StringBuilder();
        if (!reliable()) {
            out.append("UNRELIABLE FIT: do not use these numbers as the posterior.\n");
            for (String reason : reliabilityReasons()) {
                out.append("  - ").append(reason).append('\n');
            }
        }
        out.append(String.format(
                Locale.ROOT, "%-16s %12s %12s %12s %12s %12s%n", "parameter", "mean", "sd", "5%", "50%", "95%"));
        for (ParameterBlock block : blocks) {
            List<ParameterSummary> rows = summary(block.name());
            for (int j = 0; j < rows.size(); j++) {
                String label = block.shape().length == 0 ? block.name() : block.name() + "[" + j + "]";
                ParameterSummary r = rows.get(j);
                out.append(String.format(
                        Locale.ROOT,
                        "%-16s %12.4g %12.4g %12.4g %12.4g %12.4g%n",
                        label,
                        r.mean(),
                        r.sd(),
                        r.q5(),
                        r.q50(),
                        r.q95()));
            }
        }
        out.append(String.format(
                Locale.ROOT,
                "%s, %s; ELBO %.6g; k̂ %.2f (%s); %s%n",
                provenance.method(),
                config.family().cliName(),
                elbo,
                khat,
                khatReading().name().toLowerCase(Locale.ROOT),
                provenance.converged() ? "converged" : "NOT converged"));
        return out.toString();
    }

    /** {@link #summaryTable()}. */
    @Override
    public String toString() {
        return summaryTable();
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
