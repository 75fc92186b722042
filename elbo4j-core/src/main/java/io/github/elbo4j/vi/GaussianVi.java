package io.github.elbo4j.vi;

import io.github.elbo4j.elbo.ImportanceSampling;
import io.github.elbo4j.elbo.LogEvidenceEstimate;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * Gaussian variational inference for a {@link Model} (automatic differentiation variational
 * inference, Kucukelbir, Tran, Ranganath, Gelman and Blei, JMLR 18, 2017).
 *
 * <p>The guide q_φ is a Gaussian over the unconstrained vector z; the parameters are θ = T(z). Each
 * step maximises the reparameterized estimate with S particles and the analytic entropy:
 *
 * <pre>
 *   ELBO(φ) ≈ (1/S) Σ_s [ log p(data, T(z_s)) + log|det J_T(z_s)| ] + H(q_φ),   z_s = μ + A ε_s
 * </pre>
 *
 * <p><b>Step size.</b> Adam (Kingma and Ba 2015). Unless {@link ViConfig#learningRate()} is set, η
 * is chosen as Stan's {@code adapt_eta} does: starting from the initial q, each candidate η ∈ {0.3,
 * 0.1, 0.03, 0.01, 0.003, 0.001} runs {@code adaptIterations} steps; the search stops at the first
 * candidate that does worse than the previous one and keeps the best.
 *
 * <p><b>Convergence and schedule.</b> Every {@code evalInterval} iterations the ELBO of the iterates
 * averaged over those iterations is measured with a fixed set of {@code elboDraws} draws (common
 * random numbers, so changes reflect φ, not sampling noise); Stan's relative-change test ({@link
 * ConvergenceWindow}) then decides. When it first holds, η drops to η/10, then to η/100, and the
 * test at η/100, once Stan's whole window of {@code max(2, 0.1 · maxIterations / evalInterval)}
 * evaluations has filled, ends the fit. The result is the average of the iterates since the last
 * change of step size (Polyak–Ruppert averaging), which removes most of the jitter that a constant
 * step leaves. A step size that has not converged after a third of {@code maxIterations} gives way
 * to the next, so that the schedule always reaches its smallest step.
 *
 * <p><b>Arithmetic.</b> The guide, its entropy, the reparameterization gradients and Adam are plain
 * Java doubles; the model is reached only through its {@link UnconstrainedDensity}, once per step
 * for all S particles. A model with a closed-form gradient (a {@link
 * io.github.elbo4j.vi.glm.GeneralizedLinearModel}) thus fits without a tensor engine, and a DJL
 * model costs one batched forward and backward pass per step.
 *
 * <p><b>Deterministic path.</b> When the model offers a {@link GaussianExpectation} (a logistic or
 * Poisson {@link io.github.elbo4j.vi.glm.GeneralizedLinearModel}), the family is mean-field or
 * full-rank, all records are used and {@link ViConfig#allowDeterministic()} holds, the ELBO is a
 * computed function rather than an estimate and L-BFGS maximises it ({@link ExactElboFit}): no
 * particles, step sizes or convergence window. The result is the same kind of q, with the same
 * draws and diagnostics; {@link VariationalPosterior.Provenance#method()} says which path ran.
 *
 * <p><b>Faults.</b> A step whose ELBO or gradient is not finite is skipped and counted; 50 in a row
 * end the fit with a {@link NonFiniteElboException} naming the blocks whose values or gradients were
 * not finite. A fixed seed gives the same result run after run on the same machine.
 */
public final class GaussianVi {

    private static final double[] STEP_SIZE_CANDIDATES = {0.3, 0.1, 0.03, 0.01, 0.003, 0.001};
    private static final int REFINEMENTS = 2;
    private static final double REFINEMENT_FACTOR = 0.1;
    private static final int MAX_CONSECUTIVE_SKIPS = 50;

    private final Model model;
    private final ViConfig config;
    private final ParameterSpace space;
    private final GaussianGuide guide;
    private final UnconstrainedDensity density;
    private final ViListener listener;
    /** Work arrays of one step, reused: the step allocates nothing. */
    private final double[] noise;
    private final double[] points;
    private final double[] logDensities;
    private final double[] pointGradients;
    private final double[] phiGradient;

    private GaussianVi(Model model, ViConfig config, UnconstrainedDensity density, ViListener listener) {
        this.model = model;
        this.config = config;
        this.space = new ParameterSpace(model.blocks());
        this.guide = config.family().create(space.dimension(), config.rank());
        this.density = density;
        this.listener = listener;
        int particles = config.numParticles();
        this.noise = new double[particles * guide.noiseDimension()];
        this.points = new double[particles * space.dimension()];
        this.logDensities = new double[particles];
        this.pointGradients = new double[particles * space.dimension()];
        this.phiGradient = new double[guide.numParameters()];
    }

    /** Fits with no progress reporting. */
    public static VariationalPosterior fit(Model model, ViConfig config) {
        return fit(model, config, ViListener.NONE);
    }

    /**
     * Fits q to the posterior of {@code model}.
     *
     * @param model the model
     * @param config the settings
     * @param listener receives progress
     * @return the fitted posterior
     * @throws NonFiniteElboException if the ELBO stays non-finite
     * @throws IllegalArgumentException if the model is malformed (duplicate names, a log joint of the
     *     wrong shape)
     */
    public static VariationalPosterior fit(Model model, ViConfig config, ViListener listener) {
        long start = System.nanoTime();
        checkNames(model);
        try (UnconstrainedDensity density = model.unconstrainedDensity()) {
            return new GaussianVi(model, config, density, listener).run(start);
        }
    }

    private VariationalPosterior run(long start) {
        SplittableRandom root = new SplittableRandom(config.seed());
        SplittableRandom initRandom = root.split();
        SplittableRandom searchRandom = root.split();
        SplittableRandom stepRandom = root.split();
        SplittableRandom monitorRandom = root.split();
        SplittableRandom drawRandom = root.split();
        double[] initial = guide.initialParameters(config.initialScale(), initRandom);
        Optional<GaussianExpectation> expectation = exactExpectation();
        if (expectation.isPresent()) {
            return runExact((CholeskyGuide) guide, expectation.get(), initial, drawRandom, start);
        }
        double[][] monitorNoise = gaussianMatrix(config.elboDraws(), space.dimension(), monitorRandom);

        double eta = config.learningRate();
        int adaptationIterations = 0;
        if (config.searchesLearningRate()) {
            eta = searchStepSize(initial, monitorNoise, searchRandom);
            adaptationIterations = config.adaptIterations() * STEP_SIZE_CANDIDATES.length;
        }

        List<TracePoint> trace = new ArrayList<>();
        ConvergenceWindow window = new ConvergenceWindow(
                (int) Math.max(0.1 * config.maxIterations() / config.evalInterval(), 2), config.relativeTolerance());
        double[] phi = initial.clone();
        AdamAscent adam = new AdamAscent(phi.length);
        double[] intervalSum = new double[initial.length];
        double[] stageSum = new double[initial.length];
        int stageIterations = 0;
        int stageBudget = config.maxIterations() / (REFINEMENTS + 1);
        int skipped = 0;
        int iterations = 0;
        boolean converged = false;
        double lr = eta;
        int refinementsLeft = REFINEMENTS;
        int consecutiveSkips = 0;
        while (iterations < config.maxIterations() && !converged) {
            iterations++;
            if (Double.isNaN(step(phi, adam, lr, stepRandom))) {
                skipped++;
                if (++consecutiveSkips >= MAX_CONSECUTIVE_SKIPS) {
                    throw nonFinite("the ELBO or its gradient was not finite in " + MAX_CONSECUTIVE_SKIPS
                            + " consecutive steps (up to iteration " + iterations + ")", phi,
                            "check their log density terms, priors and constraints, or set a smaller learning rate");
                }
            } else {
                consecutiveSkips = 0;
            }
            addInto(intervalSum, phi);
            addInto(stageSum, phi);
            stageIterations++;
            if (iterations % config.evalInterval() == 0) {
                double[] intervalAverage = scaled(intervalSum, 1.0 / config.evalInterval());
                Arrays.fill(intervalSum, 0.0);
                TracePoint point = new TracePoint(iterations, monitorElbo(intervalAverage, monitorNoise), lr);
                trace.add(point);
                listener.onEvaluation(point, config.maxIterations());
                boolean stable = Double.isFinite(point.elbo()) && window.add(point.elbo());
                if (refinementsLeft == 0) {
                    // At the final step size the whole window must fill: it is also the
                    // averaging window, and its length sets the accuracy of the result.
                    converged = stable && window.isFull();
                } else if (stable || stageIterations >= stageBudget) {
                    refinementsLeft--;
                    lr *= REFINEMENT_FACTOR;
                    window.reset();
                    Arrays.fill(stageSum, 0.0);
                    stageIterations = 0;
                }
            }
        }
        // A step-size change on the very last iteration leaves an empty stage: use the iterate.
        double[] averaged = stageIterations > 0 ? scaled(stageSum, 1.0 / stageIterations) : phi;
        return summarise(averaged, trace, drawRandom, new VariationalPosterior.Provenance(eta,
                config.searchesLearningRate(), iterations, adaptationIterations, converged, skipped,
                (System.nanoTime() - start) / 1e9, density.engine(),
                "stochastic (Adam, " + config.numParticles() + " particles)"));
    }

    /**
     * The model's exact expectation, when the deterministic path applies: allowed by the config, a
     * guide with a Cholesky factor (low-rank stays stochastic), and all records per step (a
     * minibatch size asks for stochastic steps, which cost less than exact ones for very large n).
     */
    private Optional<GaussianExpectation> exactExpectation() {
        if (!config.allowDeterministic() || !(guide instanceof CholeskyGuide) || subsamples()) {
            return Optional.empty();
        }
        return model.gaussianExpectation();
    }

    /** The deterministic path: L-BFGS on the exact ELBO ({@link ExactElboFit}). */
    private VariationalPosterior runExact(CholeskyGuide cholesky, GaussianExpectation expectation, double[] initial,
            SplittableRandom drawRandom, long start) {
        ExactElboFit exact = new ExactElboFit(cholesky, expectation);
        if (!Double.isFinite(exact.elbo(initial, null))) {
            throw nonFinite("the exact ELBO is not finite at the initial q", initial,
                    "check the log density near the initial values (every unconstrained coordinate 0)");
        }
        ExactElboFit.Result result = exact.maximise(initial, config.maxIterations(), listener);
        return summarise(result.phi(), result.trace(), drawRandom, new VariationalPosterior.Provenance(Double.NaN,
                false, result.iterations(), 0, result.converged(), 0, (System.nanoTime() - start) / 1e9,
                density.engine(), "deterministic (" + expectation.method() + ", L-BFGS)"));
    }

    /** Stan's adapt_eta with Adam: see the class documentation. */
    private double searchStepSize(double[] initial, double[][] monitorNoise, SplittableRandom random) {
        double best = Double.NEGATIVE_INFINITY;
        double bestEta = Double.NaN;
        for (double candidate : STEP_SIZE_CANDIDATES) {
            double elbo = Double.NEGATIVE_INFINITY;
            double[] phi = initial.clone();
            AdamAscent adam = new AdamAscent(phi.length);
            try {
                int consecutiveSkips = 0;
                for (int i = 0; i < config.adaptIterations() && consecutiveSkips < MAX_CONSECUTIVE_SKIPS; i++) {
                    consecutiveSkips = Double.isNaN(step(phi, adam, candidate, random)) ? consecutiveSkips + 1 : 0;
                }
                if (consecutiveSkips < MAX_CONSECUTIVE_SKIPS) {
                    elbo = monitorElbo(phi, monitorNoise);
                }
            } catch (IllegalArgumentException e) {
                if (e.getMessage() == null || !e.getMessage().startsWith("matrix is not positive definite")) {
                    throw e;
                }
                // q's covariance degenerated at this step size (a Cholesky pivot lost positivity).
                elbo = Double.NEGATIVE_INFINITY;
            }
            if (Double.isNaN(elbo)) {
                elbo = Double.NEGATIVE_INFINITY;
            }
            listener.onStepSizeCandidate(candidate, elbo);
            if (elbo > best) {
                best = elbo;
                bestEta = candidate;
            } else if (best > Double.NEGATIVE_INFINITY) {
                break;
            }
        }
        if (Double.isNaN(bestEta)) {
            throw nonFinite("the step-size search found no step size with a finite ELBO", initial,
                    "check the log density near the initial values (every unconstrained coordinate 0)");
        }
        return bestEta;
    }

    /**
     * One Adam step on the S-particle estimate {@code (1/S) Σ_s f(z_s) + H(q_φ)}, whose gradient is
     * {@code (1/S) Σ_s (∂z_s/∂φ)ᵀ ∇f(z_s) + ∇H}; returns the estimate, or NaN if the step was
     * skipped.
     */
    private double step(double[] phi, AdamAscent adam, double lr, SplittableRandom random) {
        int particles = config.numParticles();
        for (int i = 0; i < noise.length; i++) {
            noise[i] = random.nextGaussian();
        }
        guide.sample(phi, noise, particles, points);
        density.evaluate(points, particles, minibatch(random), logDensities, pointGradients);
        double objective = 0;
        for (double v : logDensities) {
            objective += v;
        }
        objective = objective / particles + guide.entropy(phi);
        if (!Double.isFinite(objective)) {
            return Double.NaN;
        }
        Arrays.fill(phiGradient, 0.0);
        guide.addPullback(phi, noise, pointGradients, particles, phiGradient);
        for (int i = 0; i < phiGradient.length; i++) {
            phiGradient[i] /= particles;
        }
        guide.addEntropyGradient(phi, phiGradient);
        if (!allFinite(phiGradient)) {
            return Double.NaN;
        }
        adam.ascend(phi, phiGradient, lr);
        return objective;
    }

    /** The records of one step's minibatch (uniform, with replacement), or null for all records. */
    private int[] minibatch(SplittableRandom random) {
        if (!subsamples()) {
            return null;
        }
        int records = ((SubsampledModel) model).dataSize();
        int[] rows = new int[config.batchSize()];
        for (int i = 0; i < rows.length; i++) {
            rows[i] = random.nextInt(records);
        }
        return rows;
    }

    /** Whether each step sees a minibatch of records rather than all of them. */
    private boolean subsamples() {
        return model instanceof SubsampledModel subsampled && config.batchSize() > 0
                && config.batchSize() < subsampled.dataSize();
    }

    /** ELBO of q_φ with fixed noise: mean f(z) over the draws, plus H(q). */
    private double monitorElbo(double[] phi, double[][] noise) {
        FittedGaussian q = guide.toGaussian(phi);
        double[] logDensity = logDensityAt(q.pointsFrom(noise));
        double mean = 0;
        for (double v : logDensity) {
            mean += v;
        }
        return mean / logDensity.length + q.entropy();
    }

    /** f at each point, with the full data. */
    private double[] logDensityAt(double[][] at) {
        int d = space.dimension();
        double[] flat = new double[at.length * d];
        for (int s = 0; s < at.length; s++) {
            System.arraycopy(at[s], 0, flat, s * d, d);
        }
        double[] result = new double[at.length];
        density.evaluate(flat, at.length, null, result, null);
        return result;
    }

    private VariationalPosterior summarise(double[] phi, List<TracePoint> trace, SplittableRandom random,
            VariationalPosterior.Provenance provenance) {
        FittedGaussian q = guide.toGaussian(phi);
        double[][] noise = gaussianMatrix(config.numDraws(), space.dimension(), random);
        double[][] at = q.pointsFrom(noise);
        double[] logJoint = logDensityAt(at);
        Map<String, double[][]> draws = space.constrainedDraws(model, at);
        double[] logQ = q.logDensityFromNoise(noise);
        double[] logRatios = new double[logJoint.length];
        double mean = 0;
        for (int s = 0; s < logRatios.length; s++) {
            logRatios[s] = logJoint[s] - logQ[s];
            if (Double.isNaN(logRatios[s]) || logRatios[s] == Double.POSITIVE_INFINITY) {
                throw new NonFiniteElboException("the log density is " + logJoint[s] + " at a draw from the"
                        + " fitted q; check the model's log density", blockNames());
            }
            mean += logRatios[s];
        }
        mean /= logRatios.length;
        double squares = 0;
        for (double v : logRatios) {
            squares += (v - mean) * (v - mean);
        }
        double elboStandardError = Math.sqrt(squares / (logRatios.length - 1) / logRatios.length);
        LogEvidenceEstimate evidence = ImportanceSampling.logEvidence(logRatios);
        ParetoSmoothing.Result psis = ParetoSmoothing.smooth(logRatios);
        Map<String, double[][]> resampled = psis.reading() == KhatReading.UNRELIABLE
                ? null : resample(draws, psis.logWeights(), random);
        return new VariationalPosterior(config, space.blocks(), q, draws, resampled, mean, elboStandardError,
                evidence, psis.khat(), trace, provenance);
    }

    /** Multinomial resampling of the draws with probabilities proportional to the smoothed weights. */
    private static Map<String, double[][]> resample(Map<String, double[][]> draws, double[] logWeights,
            SplittableRandom random) {
        int n = logWeights.length;
        double max = Arrays.stream(logWeights).max().orElseThrow();
        double[] cumulative = new double[n];
        double total = 0;
        for (int s = 0; s < n; s++) {
            total += Math.exp(logWeights[s] - max);
            cumulative[s] = total;
        }
        int[] picks = new int[n];
        for (int s = 0; s < n; s++) {
            int index = Arrays.binarySearch(cumulative, random.nextDouble() * total);
            picks[s] = Math.min(index >= 0 ? index : -index - 1, n - 1);
        }
        Map<String, double[][]> result = new LinkedHashMap<>();
        draws.forEach((name, values) -> {
            double[][] chosen = new double[n][];
            for (int s = 0; s < n; s++) {
                chosen[s] = values[picks[s]];
            }
            result.put(name, chosen);
        });
        return result;
    }

    /**
     * The blocks to blame for a non-finite log density near q_φ: those whose μ is not finite, else,
     * in S draws from q, those for which taking the block's coordinates from a draw with a finite
     * log density makes fewer log densities non-finite. Empty when no block can be singled out.
     */
    private List<String> suspects(double[] phi) {
        List<ParameterBlock> blocks = space.blocks();
        List<String> names = new ArrayList<>();
        for (int b = 0; b < blocks.size(); b++) {
            int from = guide.locOffset() + space.offset(b);
            if (!allFinite(Arrays.copyOfRange(phi, from, from + blocks.get(b).unconstrainedSize()))) {
                names.add(blocks.get(b).name());
            }
        }
        if (!names.isEmpty() || !allFinite(phi)) {
            return names;
        }
        int particles = config.numParticles();
        double[][] drawn;
        try {
            drawn = guide.toGaussian(phi)
                    .pointsFrom(gaussianMatrix(particles, space.dimension(), new SplittableRandom(config.seed())));
        } catch (IllegalArgumentException e) {
            return names;
        }
        double[] logDensity = logDensityAt(drawn);
        int good = 0;
        while (good < particles && !Double.isFinite(logDensity[good])) {
            good++;
        }
        if (good == particles) {
            return names;
        }
        int baseline = countNonFinite(logDensity);
        for (int b = 0; b < blocks.size(); b++) {
            int from = space.offset(b);
            int to = from + blocks.get(b).unconstrainedSize();
            double[][] substituted = new double[particles][];
            for (int s = 0; s < particles; s++) {
                substituted[s] = drawn[s].clone();
                System.arraycopy(drawn[good], from, substituted[s], from, to - from);
            }
            if (countNonFinite(logDensityAt(substituted)) < baseline) {
                names.add(blocks.get(b).name());
            }
        }
        return names;
    }

    private static int countNonFinite(double[] values) {
        int count = 0;
        for (double v : values) {
            if (!Double.isFinite(v)) {
                count++;
            }
        }
        return count;
    }

    /** A failure naming the suspect blocks near {@code phi} (computed once: it costs model evaluations). */
    private NonFiniteElboException nonFinite(String what, double[] phi, String advice) {
        List<String> names = suspects(phi);
        String blame = names.isEmpty()
                ? "; no single parameter block could be singled out"
                : "; the non-finite values come from block(s) " + String.join(", ", names);
        return new NonFiniteElboException(what + blame + "; " + advice, names);
    }

    private List<String> blockNames() {
        return space.blocks().stream().map(ParameterBlock::name).toList();
    }

    private static void checkNames(Model model) {
        Set<String> names = new HashSet<>();
        for (ParameterBlock block : model.blocks()) {
            if (!names.add(block.name())) {
                throw new IllegalArgumentException("duplicate parameter block name '" + block.name() + "'");
            }
        }
        for (DataArray array : model instanceof DjlModel djl ? djl.data() : List.<DataArray>of()) {
            if (!names.add(array.name())) {
                throw new IllegalArgumentException("duplicate parameter or data name '" + array.name() + "'");
            }
        }
        if (names.isEmpty()) {
            throw new IllegalArgumentException("the model has no parameter blocks");
        }
    }

    private static double[][] gaussianMatrix(int rows, int columns, SplittableRandom random) {
        double[][] result = new double[rows][columns];
        for (double[] row : result) {
            for (int j = 0; j < columns; j++) {
                row[j] = random.nextGaussian();
            }
        }
        return result;
    }

    private static boolean allFinite(double[] values) {
        for (double v : values) {
            if (!Double.isFinite(v)) {
                return false;
            }
        }
        return true;
    }

    private static void addInto(double[] sum, double[] values) {
        for (int i = 0; i < sum.length; i++) {
            sum[i] += values[i];
        }
    }

    private static double[] scaled(double[] values, double factor) {
        double[] result = new double[values.length];
        for (int i = 0; i < values.length; i++) {
            result[i] = values[i] * factor;
        }
        return result;
    }
}
