package io.github.elbo4j.vi;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;

import io.github.elbo4j.elbo.ImportanceSampling;
import io.github.elbo4j.elbo.LogEvidenceEstimate;
import io.github.elbo4j.math.ArrayScope;
import io.github.elbo4j.math.SpecialFunctions;
import io.github.elbo4j.optim.Adam;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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
 * <p><b>Faults.</b> A step whose ELBO or gradient is not finite is skipped and counted; 50 in a row
 * end the fit with a {@link NonFiniteElboException} naming the blocks whose values or gradients were
 * not finite. A fixed seed gives the same result run after run on the same machine.
 */
public final class GaussianVi {

    private static final double[] STEP_SIZE_CANDIDATES = {0.3, 0.1, 0.03, 0.01, 0.003, 0.001};
    private static final int REFINEMENTS = 2;
    private static final double REFINEMENT_FACTOR = 0.1;
    private static final int MAX_CONSECUTIVE_SKIPS = 50;
    /** Bounds the elements of one batched evaluation: particles × records. */
    private static final long MAX_CHUNK_ELEMENTS = 4_000_000;

    private final Model model;
    private final ViConfig config;
    private final ParameterSpace space;
    private final GaussianGuide guide;
    private final NDManager manager;
    private final Map<String, NDArray> data;
    private final ViListener listener;

    private GaussianVi(Model model, ViConfig config, NDManager manager, ViListener listener) {
        this.model = model;
        this.config = config;
        this.space = new ParameterSpace(model.blocks());
        this.guide = config.family().create(space.dimension(), config.rank());
        this.manager = manager;
        this.listener = listener;
        this.data = upload(model, manager);
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
        try (NDManager manager = NDManager.newBaseManager()) {
            return new GaussianVi(model, config, manager, listener).run(start);
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
        double[] averaged = initial;
        double[] intervalSum = new double[initial.length];
        double[] stageSum = new double[initial.length];
        int stageIterations = 0;
        int stageBudget = config.maxIterations() / (REFINEMENTS + 1);
        int skipped = 0;
        int iterations = 0;
        boolean converged = false;
        try (NDArray phi = upload(initial);
                Adam adam = adam()) {
            double lr = eta;
            int refinementsLeft = REFINEMENTS;
            int consecutiveSkips = 0;
            while (iterations < config.maxIterations() && !converged) {
                iterations++;
                if (Double.isNaN(step(phi, adam, lr, stepRandom))) {
                    skipped++;
                    if (++consecutiveSkips >= MAX_CONSECUTIVE_SKIPS) {
                        throw nonFinite("the ELBO or its gradient was not finite in " + MAX_CONSECUTIVE_SKIPS
                                + " consecutive steps (up to iteration " + iterations + ")", phi.toDoubleArray(),
                                "check their log density terms, priors and constraints, or set a smaller learning rate");
                    }
                } else {
                    consecutiveSkips = 0;
                }
                double[] current = phi.toDoubleArray();
                addInto(intervalSum, current);
                addInto(stageSum, current);
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
            averaged = stageIterations > 0 ? scaled(stageSum, 1.0 / stageIterations) : phi.toDoubleArray();
        }
        return summarise(averaged, trace, drawRandom, new VariationalPosterior.Provenance(eta,
                config.searchesLearningRate(), iterations, adaptationIterations, converged, skipped,
                (System.nanoTime() - start) / 1e9, Engine.getInstance().getEngineName() + " "
                + Engine.getInstance().getVersion()));
    }

    /** Stan's adapt_eta with Adam: see the class documentation. */
    private double searchStepSize(double[] initial, double[][] monitorNoise, SplittableRandom random) {
        double best = Double.NEGATIVE_INFINITY;
        double bestEta = Double.NaN;
        for (double candidate : STEP_SIZE_CANDIDATES) {
            double elbo = Double.NEGATIVE_INFINITY;
            try (NDArray phi = upload(initial);
                    Adam adam = adam()) {
                int consecutiveSkips = 0;
                for (int i = 0; i < config.adaptIterations() && consecutiveSkips < MAX_CONSECUTIVE_SKIPS; i++) {
                    consecutiveSkips = Double.isNaN(step(phi, adam, candidate, random)) ? consecutiveSkips + 1 : 0;
                }
                if (consecutiveSkips < MAX_CONSECUTIVE_SKIPS) {
                    elbo = monitorElbo(phi.toDoubleArray(), monitorNoise);
                }
            } catch (IllegalArgumentException e) {
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

    /** One Adam step; returns the particle ELBO estimate, or NaN if the step was skipped. */
    private double step(NDArray phi, Adam adam, double lr, SplittableRandom random) {
        try (NDManager scope = manager.newSubManager()) {
            NDArray leaf = phi.duplicate();
            leaf.attach(scope);
            leaf.setRequiresGradient(true);
            NDArray noise = scope.create(gaussianMatrixFlat(config.numParticles(), guide.noiseDimension(), random),
                    new Shape(config.numParticles(), guide.noiseDimension()));
            double objective;
            try (ArrayScope borrowed = ArrayScope.open(scope, data.values().toArray(NDArray[]::new));
                    GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                NDArray z = guide.rsample(leaf, noise);
                ParameterSpace.Constrained constrained = space.constrain(z);
                NDArray logJoint = stochasticLogJoint(values(constrained, config.numParticles()), random);
                NDArray elbo = logJoint.add(constrained.logJacobian()).mean().add(guide.entropy(leaf));
                objective = elbo.getDouble();
                if (!Double.isFinite(objective)) {
                    return Double.NaN;
                }
                collector.backward(elbo.neg());
            }
            NDArray gradient = leaf.getGradient();
            if (!allFinite(gradient.toDoubleArray())) {
                return Double.NaN;
            }
            adam.update(phi, gradient, (float) lr, scope);
            return objective;
        }
    }

    /** The full log joint, or for a subsampled model the prior plus the scaled minibatch likelihood. */
    private NDArray stochasticLogJoint(ParameterValues values, SplittableRandom random) {
        NDArray result;
        if (model instanceof SubsampledModel subsampled && config.batchSize() > 0
                && config.batchSize() < subsampled.dataSize()) {
            int n = subsampled.dataSize();
            long[] rows = new long[config.batchSize()];
            for (int i = 0; i < rows.length; i++) {
                rows[i] = random.nextInt(n);
            }
            NDArray prior = subsampled.logPrior(values);
            NDArray likelihood = subsampled.logLikelihood(values, prior.getManager().create(rows));
            result = prior.add(likelihood.mul(SpecialFunctions.scalar(likelihood, (double) n / rows.length)));
        } else {
            result = model.logJoint(values);
        }
        checkShape(result, values.numParticles());
        return result;
    }

    private void checkShape(NDArray logJoint, int particles) {
        if (!logJoint.getShape().equals(new Shape(particles))) {
            throw new IllegalArgumentException("the log joint must return one value per particle, shape ["
                    + particles + "], but returned " + logJoint.getShape()
                    + "; sum over data and parameter axes, e.g. .sum(new int[] {1})");
        }
    }

    /** ELBO of q_φ with fixed noise: mean log p̃(T(z)) + log|J| over the draws, plus H(q). */
    private double monitorElbo(double[] phi, double[][] noise) {
        FittedGaussian q = guide.toGaussian(phi);
        double[] logJoint = logJointAt(q.pointsFrom(noise), null);
        double mean = 0;
        for (double v : logJoint) {
            mean += v;
        }
        return mean / logJoint.length + q.entropy();
    }

    /**
     * {@code log p(data, T(z)) + log|J(z)|} for each point, in chunks bounded by {@link
     * #MAX_CHUNK_ELEMENTS}, optionally collecting the constrained values of every block.
     */
    private double[] logJointAt(double[][] points, Map<String, double[][]> constrainedOut) {
        int n = points.length;
        int d = space.dimension();
        long records = model instanceof SubsampledModel s ? Math.max(s.dataSize(), 1) : 1;
        int chunk = (int) Math.max(1, Math.min(n, MAX_CHUNK_ELEMENTS / records));
        double[] result = new double[n];
        if (constrainedOut != null) {
            for (ParameterBlock block : space.blocks()) {
                constrainedOut.put(block.name(), new double[n][]);
            }
        }
        for (int from = 0; from < n; from += chunk) {
            int count = Math.min(chunk, n - from);
            double[] flat = new double[count * d];
            for (int s = 0; s < count; s++) {
                System.arraycopy(points[from + s], 0, flat, s * d, d);
            }
            try (NDManager scope = manager.newSubManager();
                    ArrayScope borrowed = ArrayScope.open(scope, data.values().toArray(NDArray[]::new))) {
                NDArray z = scope.create(flat, new Shape(count, d));
                ParameterSpace.Constrained constrained = space.constrain(z);
                NDArray logJoint = model.logJoint(values(constrained, count));
                checkShape(logJoint, count);
                double[] values = logJoint.add(constrained.logJacobian()).toDoubleArray();
                System.arraycopy(values, 0, result, from, count);
                if (constrainedOut != null) {
                    for (ParameterBlock block : space.blocks()) {
                        double[] x = constrained.values().get(block.name()).toDoubleArray();
                        int size = block.size();
                        double[][] target = constrainedOut.get(block.name());
                        for (int s = 0; s < count; s++) {
                            target[from + s] = Arrays.copyOfRange(x, s * size, (s + 1) * size);
                        }
                    }
                }
            }
        }
        return result;
    }

    private VariationalPosterior summarise(double[] phi, List<TracePoint> trace, SplittableRandom random,
            VariationalPosterior.Provenance provenance) {
        FittedGaussian q = guide.toGaussian(phi);
        double[][] noise = gaussianMatrix(config.numDraws(), space.dimension(), random);
        Map<String, double[][]> draws = new LinkedHashMap<>();
        double[] logJoint = logJointAt(q.pointsFrom(noise), draws);
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

    private ParameterValues values(ParameterSpace.Constrained constrained, int particles) {
        return new ParameterValues(constrained.values(), data, particles);
    }

    /**
     * The blocks to blame for a non-finite log density near q_φ: those whose μ is not finite, else,
     * in S draws from q, those for which taking the block's value from a draw with a finite log
     * density makes fewer log densities non-finite. Empty when no block can be singled out.
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
        int d = space.dimension();
        double[] flat = new double[particles * d];
        try {
            double[][] points = guide.toGaussian(phi)
                    .pointsFrom(gaussianMatrix(particles, d, new SplittableRandom(config.seed())));
            for (int s = 0; s < particles; s++) {
                System.arraycopy(points[s], 0, flat, s * d, d);
            }
        } catch (IllegalArgumentException e) {
            return names;
        }
        try (NDManager scope = manager.newSubManager();
                ArrayScope borrowed = ArrayScope.open(scope, data.values().toArray(NDArray[]::new))) {
            Map<String, NDArray> drawn = space.constrain(scope.create(flat, new Shape(particles, d))).values();
            double[] logJoint = model.logJoint(new ParameterValues(drawn, data, particles)).toDoubleArray();
            int good = 0;
            while (good < particles && !Double.isFinite(logJoint[good])) {
                good++;
            }
            if (good == particles) {
                return names;
            }
            int baseline = particles - (int) Arrays.stream(logJoint).filter(Double::isFinite).count();
            for (ParameterBlock block : blocks) {
                Map<String, NDArray> substituted = new LinkedHashMap<>(drawn);
                NDArray values = drawn.get(block.name());
                NDArray goodRow = values.get(good).expandDims(0);
                substituted.put(block.name(), goodRow.repeat(0, particles));
                if (countNonFinite(model.logJoint(new ParameterValues(substituted, data, particles))) < baseline) {
                    names.add(block.name());
                }
            }
        }
        return names;
    }

    private static int countNonFinite(NDArray values) {
        int count = 0;
        for (double v : values.toDoubleArray()) {
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

    private Adam adam() {
        return Adam.withDefaults(manager, guide.numParameters(), DataType.FLOAT64);
    }

    private NDArray upload(double[] values) {
        return engineOwned(manager, values, new Shape(values.length));
    }

    private static Map<String, NDArray> upload(Model model, NDManager manager) {
        Map<String, NDArray> arrays = new LinkedHashMap<>();
        for (DataArray array : model.data()) {
            arrays.put(array.name(), engineOwned(manager, array.values(), new Shape(array.shape())));
        }
        return arrays;
    }

    /**
     * A copy in memory the engine owns: {@code create(double[])} wraps JVM memory, which is not
     * what long-lived arrays updated in place or read by every step should live in.
     */
    private static NDArray engineOwned(NDManager manager, double[] values, Shape shape) {
        try (NDArray jvmBacked = manager.create(values, shape)) {
            return jvmBacked.duplicate();
        }
    }

    private static void checkNames(Model model) {
        Set<String> names = new HashSet<>();
        for (ParameterBlock block : model.blocks()) {
            if (!names.add(block.name())) {
                throw new IllegalArgumentException("duplicate parameter block name '" + block.name() + "'");
            }
        }
        for (DataArray array : model.data()) {
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

    private static double[] gaussianMatrixFlat(int rows, int columns, SplittableRandom random) {
        double[] result = new double[rows * columns];
        for (int i = 0; i < result.length; i++) {
            result[i] = random.nextGaussian();
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
