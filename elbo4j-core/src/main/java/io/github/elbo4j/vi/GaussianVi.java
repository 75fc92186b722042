package io.github.elbo4j.vi;

import io.github.elbo4j.elbo.ImportanceSampling;
import io.github.elbo4j.elbo.LogEvidenceEstimate;
import io.github.elbo4j.optim.Adam;
import io.github.elbo4j.vi.diagnostics.CovarianceComparison;
import io.github.elbo4j.vi.diagnostics.ImportanceShift;
import io.github.elbo4j.vi.diagnostics.Reliability;
import io.github.elbo4j.vi.diagnostics.ReliabilityCheck;
import io.github.elbo4j.vi.fit.Mode;
import io.github.elbo4j.vi.fit.ModeFinder;
import io.github.elbo4j.vi.fit.MomentMatchedNoise;
import io.github.elbo4j.vi.fit.Pathfinder;
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
 * Gaussian variational inference for a {@link Model}: a Gaussian q over the unconstrained vector z,
 * with θ = T(z) (automatic differentiation variational inference, Kucukelbir, Tran, Ranganath,
 * Gelman and Blei, JMLR 18, 2017), fitted by the {@link ViMethod} of the {@link ViConfig}. The model
 * is reached only through its {@link UnconstrainedDensity}: f(z) = log p(data, T(z)) + log|det J|
 * and ∇f, batched over points. The methods, their stopping rules and the meaning of {@link
 * VariationalPosterior#reliable()} are documented in {@code docs/vi-fitting.md}.
 *
 * <p><b>The mode first.</b> Every fit starts with L-BFGS on f ({@link ModeFinder}) and the Laplace
 * covariance H⁻¹ at the mode. The fit then works in the preconditioned coordinates u with z = mode +
 * A u ({@link AffineMap}), A the Cholesky factor of H⁻¹ for full-rank guides and its diagonal
 * for mean-field and low-rank ones, where the posterior looks like a standard normal: the guide
 * starts at q = N(0, I), the Laplace approximation, and every tolerance means the same for every
 * parameter. q is mapped back to z at the end.
 *
 * <p><b>DADVI</b> (the default for full data): the ELBO with one fixed set of moment-matched draws,
 * maximised by L-BFGS to a gradient-norm test ({@link FixedDrawElbo}); for mean-field, optionally the
 * linear-response covariance. <b>ADVI</b> (for {@link ViConfig#batchSize()} &gt; 0): Adam on
 * reparameterized stochastic gradients, S particles a step, η from Stan's {@code adapt_eta} search,
 * Stan's relative-ELBO window at η, η/10 and η/100 with Polyak–Ruppert averaging; converged only if
 * the window's test held at the smallest step together with a small gradient averaged over that
 * stage, and the final monitored ELBO is no worse than the best. <b>Pathfinder</b> ({@link Pathfinder}): Gaussians along L-BFGS paths, pooled by PSIS
 * resampling. <b>Laplace</b>: N(mode, H⁻¹).
 *
 * <p><b>Exact path.</b> When the model offers a {@link GaussianExpectation} (a logistic or Poisson
 * {@link io.github.elbo4j.vi.glm.GeneralizedLinearModel}), the family is mean-field or full-rank, all
 * records are used and {@link ViConfig#allowDeterministic()} holds, DADVI and ADVI maximise the exact
 * ELBO instead ({@link ExactElboFit}): no draws at all.
 *
 * <p><b>Diagnostics.</b> Every result carries k̂ from {@link ViConfig#numDraws()} draws, the
 * comparison of q with the Laplace covariance, and the {@link
 * io.github.elbo4j.vi.diagnostics.Reliability} verdict built from them ({@link ReliabilityCheck}).
 *
 * <p><b>Faults.</b> A log density that is not finite at any starting point is an {@link
 * IllegalArgumentException}; one that is not finite at the initial q a {@link
 * NonFiniteElboException} naming the blocks to blame. An ADVI step whose ELBO or gradient is not
 * finite is skipped; 50 in a row end the fit with a {@link NonFiniteElboException}. A fit that
 * diverges (an improper posterior) returns, marked unreliable. A fixed seed gives the same result
 * run after run on the same machine.
 */
public final class GaussianVi {

    private static final double[] STEP_SIZE_CANDIDATES = {0.3, 0.1, 0.03, 0.01, 0.003, 0.001};
    private static final int REFINEMENTS = 2;
    private static final double REFINEMENT_FACTOR = 0.1;
    private static final int MAX_CONSECUTIVE_SKIPS = 50;
    /** The largest component of ADVI's final-stage averaged gradient at which it has converged. */
    private static final double ADVI_GRADIENT_TOLERANCE = 0.1;
    /** Paths of a Pathfinder fit. */
    private static final int PATHFINDER_PATHS = 4;

    private final Model model;
    private final ViConfig config;
    private final ParameterSpace space;
    private final GaussianGuide guide;
    /** f over z, as the model gives it. */
    private final UnconstrainedDensity density;

    private final ViListener listener;
    /** The whitening map z = mode + A u; set once the mode is known. */
    private AffineMap whitening;
    /** f over the preconditioned u, which the guide's φ describes and the fits run on; set with {@link #whitening}. */
    private UnconstrainedDensity target;
    /** Work arrays of one ADVI step, reused: the step allocates nothing. */
    private final double[] noise;

    private final double[] points;
    private final double[] logDensities;
    private final double[] pointGradients;
    private final double[] phiGradient;

    private GaussianVi(Model model, ViConfig config, UnconstrainedDensity density, ViListener listener) {
        this.model = model;
        this.space = new ParameterSpace(model.blocks());
        this.config = config.resolvedFor(space.dimension());
        this.guide = this.config.family().create(space.dimension(), config.rank());
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
     * @return the fitted posterior, with its reliability verdict
     * @throws NonFiniteElboException if the ELBO is not finite at the initial q or stays non-finite
     * @throws IllegalArgumentException if the model is malformed (duplicate names, a log joint of the
     *     wrong shape) or its log density is not finite at any starting point
     */
    public static VariationalPosterior fit(Model model, ViConfig config, ViListener listener) {
        long start = System.nanoTime();
        checkNames(model);
        try (UnconstrainedDensity density = model.unconstrainedDensity()) {
            return new GaussianVi(model, config, density, listener).run(start);
        }
    }

    /**
     * The mode of f; when f is not finite at any starting point, the error adds what the model says
     * is at fault at the origin, the first point tried ({@link Model#explainNonFinite}).
     */
    private Mode findMode(SplittableRandom random) {
        try {
            return ModeFinder.find(density, space.dimension(), random);
        } catch (ModeFinder.NoFiniteStartException e) {
            Optional<String> reason = model.explainNonFinite(new double[space.dimension()]);
            if (reason.isEmpty()) {
                throw e;
            }
            throw new IllegalArgumentException(e.getMessage() + "; at the origin, " + reason.get(), e);
        }
    }

    private VariationalPosterior run(long start) {
        SplittableRandom root = new SplittableRandom(config.seed());
        SplittableRandom initRandom = root.split();
        SplittableRandom searchRandom = root.split();
        SplittableRandom stepRandom = root.split();
        SplittableRandom monitorRandom = root.split();
        SplittableRandom drawRandom = root.split();
        SplittableRandom modeRandom = root.split();
        Mode mode = findMode(modeRandom);
        ViMethod method = config.method();
        boolean diagonal = config.family() != GuideFamily.FULL_RANK;
        whitening = new AffineMap(mode.point(), mode.scaleTril(diagonal));
        target = whitening.pullBack(density);
        Optional<GaussianExpectation> expectation = exactExpectation();
        if (expectation.isPresent() && (method == ViMethod.DADVI || method == ViMethod.ADVI)) {
            return runExact((CholeskyGuide) guide, expectation.get(), mode, drawRandom, start);
        }
        return switch (method) {
            case DADVI -> runDadvi(mode, monitorRandom, drawRandom, start);
            case ADVI -> runAdvi(mode, initRandom, searchRandom, stepRandom, monitorRandom, drawRandom, start);
            case PATHFINDER -> runPathfinder(mode, monitorRandom, drawRandom, start);
            case LAPLACE -> runLaplace(mode, drawRandom, start);
        };
    }

    /** DADVI: see {@link FixedDrawElbo}; q starts at the Laplace approximation, φ_u = (0, I). */
    private VariationalPosterior runDadvi(
            Mode mode, SplittableRandom fixedRandom, SplittableRandom drawRandom, long start) {
        int width = guide.noiseDimension();
        double[][] fixed = MomentMatchedNoise.draw(MomentMatchedNoise.defaultCount(width), width, fixedRandom);
        FixedDrawElbo objective = new FixedDrawElbo(guide, target, fixed);
        double[] initial = guide.initialParameters(1.0, fixedRandom);
        if (Double.isNaN(objective.elbo(initial, new double[initial.length]))) {
            throw nonFinite(
                    "the ELBO is not finite at the initial q (the Laplace approximation at the mode)",
                    initial,
                    "check the log density near the mode and the model's support");
        }
        FixedDrawElbo.Result result = objective.maximise(initial, config.maxIterations(), listener);
        FittedGaussian q = toZ(guide.toGaussian(result.phi()));
        FittedGaussian linearResponse = config.linearResponse() && config.family() == GuideFamily.MEAN_FIELD
                ? linearResponse(objective, result.phi())
                : null;
        return summarise(
                q,
                result.trace(),
                result.elbo(),
                mode,
                linearResponse,
                drawRandom,
                new VariationalPosterior.Provenance(
                        Double.NaN,
                        false,
                        result.iterations(),
                        0,
                        result.converged(),
                        0,
                        (System.nanoTime() - start) / 1e9,
                        density.engine(),
                        "DADVI (" + fixed.length + " moment-matched draws, L-BFGS)"));
    }

    /**
     * The linear-response covariance of a mean-field fit: the μ block of the inverse Hessian of
     * −ELBO_N in φ = (μ, log σ) (Giordano, Broderick and Jordan, JMLR 19, 2018, §2; Giordano, Ingram
     * and Broderick 2024, §3), mapped from u to z. Null when that Hessian is not positive definite.
     */
    private FittedGaussian linearResponse(FixedDrawElbo objective, double[] phi) {
        int d = space.dimension();
        int offset = guide.locOffset();
        double[][] curvature = DenseCholesky.tryFactor(objective.negativeHessian(phi));
        if (curvature == null) {
            return null;
        }
        double[][] inverse = DenseCholesky.inverseFromFactor(curvature);
        double[][] block = new double[d][d];
        for (int i = 0; i < d; i++) {
            System.arraycopy(inverse[offset + i], offset, block[i], 0, d);
        }
        double[][] factor = DenseCholesky.tryFactor(block);
        if (factor == null) {
            return null;
        }
        return toZ(new FittedGaussian(Arrays.copyOfRange(phi, offset, offset + d), factor));
    }

    /** The Laplace approximation N(mode, H⁻¹) (a diagonal stand-in when H is not positive definite). */
    private VariationalPosterior runLaplace(Mode mode, SplittableRandom drawRandom, long start) {
        FittedGaussian q = new FittedGaussian(mode.point(), mode.scaleTril(false));
        return summarise(
                q,
                List.of(),
                Double.NaN,
                mode,
                null,
                drawRandom,
                new VariationalPosterior.Provenance(
                        Double.NaN,
                        false,
                        mode.iterations(),
                        0,
                        mode.hasLaplace(),
                        0,
                        (System.nanoTime() - start) / 1e9,
                        density.engine(),
                        "Laplace (L-BFGS mode, finite-difference Hessian)"));
    }

    /**
     * Pathfinder from {@value #PATHFINDER_PATHS} random starts, in the coordinates that the Laplace
     * factor whitens (so the starts lie within about two posterior sds of the mode in every
     * direction, whatever the scales); the draws are PSIS-resampled.
     */
    private VariationalPosterior runPathfinder(
            Mode mode, SplittableRandom pathRandom, SplittableRandom drawRandom, long start) {
        AffineMap whitened = new AffineMap(mode.point(), mode.scaleTril(false));
        Pathfinder.Result result = Pathfinder.fit(
                whitened.pullBack(density),
                space.dimension(),
                PATHFINDER_PATHS,
                config.elboDraws(),
                config.numDraws(),
                Math.min(config.maxIterations(), ModeFinder.MAX_ITERATIONS),
                pathRandom);
        Pathfinder.Approximation best = result.best();
        FittedGaussian q = whitened.pushForward(new FittedGaussian(best.mean(), best.scaleTril()));
        double[][] pooledPoints = result.draws();
        for (int s = 0; s < pooledPoints.length; s++) {
            pooledPoints[s] = whitened.apply(pooledPoints[s]);
        }
        Map<String, double[][]> draws = resample(
                space.constrainedDraws(model, pooledPoints),
                result.smoothedLogWeights(),
                config.numDraws(),
                drawRandom);
        double[] logRatios = result.logRatios();
        double elboValue = best.elbo();
        double standardError = best.elboStandardError();
        VariationalPosterior.Provenance provenance = new VariationalPosterior.Provenance(
                Double.NaN,
                false,
                result.iterations(),
                0,
                result.converged(),
                0,
                (System.nanoTime() - start) / 1e9,
                density.engine(),
                "Pathfinder (" + PATHFINDER_PATHS + " paths, PSIS resampling)");
        CovarianceComparison comparison = compare(q, mode);
        LogEvidenceEstimate evidence = ImportanceSampling.logEvidence(finiteOrMinusInfinity(logRatios));
        Reliability verdict = new ReliabilityCheck(
                        result.converged(),
                        elboValue,
                        result.bestElbo(),
                        standardError,
                        result.khat(),
                        evidence.effectiveSampleSize() / logRatios.length,
                        countNonFinite(logRatios),
                        q.mean(),
                        q.covariance(),
                        comparison,
                        mode.found(),
                        false,
                        mode.modes(),
                        null,
                        this::coordinateName)
                .verdict();
        return new VariationalPosterior(
                config,
                space.blocks(),
                q,
                draws,
                null,
                null,
                elboValue,
                standardError,
                evidence,
                result.khat(),
                List.of(),
                provenance,
                new VariationalPosterior.Checks(verdict, comparison, null, null));
    }

    /** Stochastic ADVI with Adam, from the Laplace approximation: see the class documentation. */
    private VariationalPosterior runAdvi(
            Mode mode,
            SplittableRandom initRandom,
            SplittableRandom searchRandom,
            SplittableRandom stepRandom,
            SplittableRandom monitorRandom,
            SplittableRandom drawRandom,
            long start) {
        double[] initial = guide.initialParameters(config.initialScale(), initRandom);
        double[][] monitorNoise = MomentMatchedNoise.independent(config.elboDraws(), space.dimension(), monitorRandom);

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
        Adam adam = Adam.inDoublePrecision(phi.length);
        double[] intervalSum = new double[initial.length];
        double[] stageSum = new double[initial.length];
        double[] stageGradientSum = new double[initial.length];
        int stageGradients = 0;
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
                    throw nonFinite(
                            "the ELBO or its gradient was not finite in " + MAX_CONSECUTIVE_SKIPS
                                    + " consecutive steps (up to iteration " + iterations + ")",
                            phi,
                            "check their log density terms, priors and constraints, or set a smaller learning rate");
                }
            } else {
                consecutiveSkips = 0;
                addInto(stageGradientSum, phiGradient);
                stageGradients++;
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
                    // averaging window, and its length sets the accuracy of the result. The
                    // gradient averaged over the stage must vanish too: in the preconditioned
                    // units its μ components are the distance of the mean from the optimum in
                    // posterior sds, and averaging longer shrinks its noise.
                    converged = stable
                            && window.isFull()
                            && stageGradients > 0
                            && maxAbs(scaled(stageGradientSum, 1.0 / stageGradients)) <= ADVI_GRADIENT_TOLERANCE;
                } else if (stable || stageIterations >= stageBudget) {
                    refinementsLeft--;
                    lr *= REFINEMENT_FACTOR;
                    window.reset();
                    Arrays.fill(stageSum, 0.0);
                    Arrays.fill(stageGradientSum, 0.0);
                    stageGradients = 0;
                    stageIterations = 0;
                }
            }
        }
        // A step-size change on the very last iteration leaves an empty stage: use the iterate.
        double[] averaged = stageIterations > 0 ? scaled(stageSum, 1.0 / stageIterations) : phi;
        double best = trace.stream()
                .mapToDouble(TracePoint::elbo)
                .filter(Double::isFinite)
                .max()
                .orElse(Double.NaN);
        double last = trace.isEmpty() ? Double.NaN : trace.get(trace.size() - 1).elbo();
        // The window's test alone can hold on a plateau far from the optimum: the monitored ELBO
        // must also have ended at its best (within the window's own tolerance).
        converged &= Double.isFinite(last) && best - last <= 10 * config.relativeTolerance() * Math.abs(best);
        return summarise(
                toZ(guide.toGaussian(averaged)),
                trace,
                best,
                mode,
                null,
                drawRandom,
                new VariationalPosterior.Provenance(
                        eta,
                        config.searchesLearningRate(),
                        iterations,
                        adaptationIterations,
                        converged,
                        skipped,
                        (System.nanoTime() - start) / 1e9,
                        density.engine(),
                        "stochastic (Adam, " + config.numParticles() + " particles)"));
    }

    /**
     * The model's exact expectation, when the deterministic path applies: allowed by the config, a
     * guide with a Cholesky factor (low-rank uses fixed draws), and all records per step (a
     * minibatch size asks for stochastic steps, which cost less than exact ones for very large n).
     */
    private Optional<GaussianExpectation> exactExpectation() {
        if (!config.allowDeterministic() || !(guide instanceof CholeskyGuide) || subsamples()) {
            return Optional.empty();
        }
        return model.gaussianExpectation();
    }

    /**
     * The deterministic path: L-BFGS on the exact ELBO ({@link ExactElboFit}) in the preconditioned
     * coordinates, from the Laplace approximation.
     */
    private VariationalPosterior runExact(
            CholeskyGuide cholesky,
            GaussianExpectation expectation,
            Mode mode,
            SplittableRandom drawRandom,
            long start) {
        ExactElboFit exact = new ExactElboFit(cholesky, whitening.pullBack(expectation));
        double[] initial = guide.initialParameters(1.0, drawRandom);
        if (!Double.isFinite(exact.elbo(initial, null))) {
            throw nonFinite(
                    "the exact ELBO is not finite at the initial q (the Laplace approximation at the mode)",
                    initial,
                    "check the log density near the mode and the model's support");
        }
        ExactElboFit.Result result = exact.maximise(initial, config.maxIterations(), listener);
        double last = result.trace().isEmpty()
                ? Double.NaN
                : result.trace().get(result.trace().size() - 1).elbo();
        return summarise(
                toZ(guide.toGaussian(result.phi())),
                result.trace(),
                last,
                mode,
                null,
                drawRandom,
                new VariationalPosterior.Provenance(
                        Double.NaN,
                        false,
                        result.iterations(),
                        0,
                        result.converged(),
                        0,
                        (System.nanoTime() - start) / 1e9,
                        density.engine(),
                        "deterministic (" + expectation.method() + ", L-BFGS)"));
    }

    /** q over u mapped to z. */
    private FittedGaussian toZ(FittedGaussian qu) {
        return whitening.pushForward(qu);
    }

    /** Stan's adapt_eta with Adam: see the class documentation. */
    private double searchStepSize(double[] initial, double[][] monitorNoise, SplittableRandom random) {
        double best = Double.NEGATIVE_INFINITY;
        double bestEta = Double.NaN;
        for (double candidate : STEP_SIZE_CANDIDATES) {
            double elbo = Double.NEGATIVE_INFINITY;
            double[] phi = initial.clone();
            Adam adam = Adam.inDoublePrecision(phi.length);
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
            throw nonFinite(
                    "the step-size search found no step size with a finite ELBO",
                    initial,
                    "check the log density near the initial values (every unconstrained coordinate 0)");
        }
        return bestEta;
    }

    /**
     * One Adam step on the S-particle estimate {@code (1/S) Σ_s f(z_s) + H(q_φ)}, whose gradient is
     * {@code (1/S) Σ_s (∂z_s/∂φ)ᵀ ∇f(z_s) + ∇H}; returns the estimate, or NaN if the step was
     * skipped.
     */
    private double step(double[] phi, Adam adam, double lr, SplittableRandom random) {
        int particles = config.numParticles();
        for (int i = 0; i < noise.length; i++) {
            noise[i] = random.nextGaussian();
        }
        guide.sample(phi, noise, particles, points);
        target.evaluate(points, particles, minibatch(random), logDensities, pointGradients);
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
        return model instanceof SubsampledModel subsampled
                && config.batchSize() > 0
                && config.batchSize() < subsampled.dataSize();
    }

    /** ELBO of q_φ with fixed noise: mean f(z) over the draws, plus H(q). */
    private double monitorElbo(double[] phi, double[][] noise) {
        FittedGaussian q = guide.toGaussian(phi);
        double[] logDensity = target.logDensities(q.pointsFrom(noise));
        double mean = 0;
        for (double v : logDensity) {
            mean += v;
        }
        return mean / logDensity.length + q.entropy();
    }

    /**
     * The result for q over z: {@link ViConfig#numDraws()} draws, their log ratios, k̂, the ELBO, the
     * comparison with the Laplace approximation and the verdict.
     *
     * @param bestElbo the best ELBO the optimizer saw (NaN if it kept none)
     * @param linearResponse the linear-response Gaussian, or null
     */
    private VariationalPosterior summarise(
            FittedGaussian q,
            List<TracePoint> trace,
            double bestElbo,
            Mode mode,
            FittedGaussian linearResponse,
            SplittableRandom random,
            VariationalPosterior.Provenance provenance) {
        double[][] noise = MomentMatchedNoise.centred(config.numDraws(), space.dimension(), random);
        double[][] at = q.pointsFrom(noise);
        double[] logJoint = density.logDensities(at);
        Map<String, double[][]> draws = space.constrainedDraws(model, at);
        double[] logQ = q.logDensityFromNoise(noise);
        double[] logRatios = new double[logJoint.length];
        for (int s = 0; s < logRatios.length; s++) {
            logRatios[s] = logJoint[s] - logQ[s];
        }
        int nonFinite = countNonFinite(logRatios);
        double mean = 0;
        for (double v : logRatios) {
            mean += v;
        }
        mean /= logRatios.length;
        double squares = 0;
        for (double v : logRatios) {
            squares += (v - mean) * (v - mean);
        }
        double elboStandardError = Math.sqrt(squares / (logRatios.length - 1) / logRatios.length);
        double[] usable = finiteOrMinusInfinity(logRatios);
        LogEvidenceEstimate evidence = ImportanceSampling.logEvidence(usable);
        ParetoSmoothing.Result psis = ParetoSmoothing.smooth(usable);
        boolean corrects = psis.reading() != KhatReading.UNRELIABLE;
        Map<String, double[][]> resampled =
                corrects ? resample(draws, psis.logWeights(), logRatios.length, random) : null;
        CovarianceComparison comparison = compare(q, mode);
        Reliability verdict = new ReliabilityCheck(
                        provenance.converged(),
                        mean,
                        Double.isNaN(bestElbo) ? mean : Math.max(bestElbo, mean),
                        elboStandardError,
                        psis.khat(),
                        evidence.effectiveSampleSize() / logRatios.length,
                        nonFinite,
                        q.mean(),
                        q.covariance(),
                        comparison,
                        mode.found(),
                        config.family() == GuideFamily.MEAN_FIELD,
                        mode.modes(),
                        ImportanceShift.of(at, psis.logWeights(), sds(q)),
                        this::coordinateName)
                .verdict();
        Map<String, double[][]> responseDraws =
                linearResponse == null ? null : space.constrainedDraws(model, linearResponse.pointsFrom(noise));
        return new VariationalPosterior(
                config,
                space.blocks(),
                q,
                draws,
                resampled,
                corrects ? psis.normalisedWeights() : null,
                mean,
                elboStandardError,
                evidence,
                psis.khat(),
                trace,
                provenance,
                new VariationalPosterior.Checks(verdict, comparison, linearResponse, responseDraws));
    }

    /** q's sd of each unconstrained coordinate. */
    private static double[] sds(FittedGaussian q) {
        double[][] covariance = q.covariance();
        double[] sds = new double[covariance.length];
        for (int i = 0; i < sds.length; i++) {
            sds[i] = Math.sqrt(covariance[i][i]);
        }
        return sds;
    }

    /** q against N(mode, H⁻¹), or null without a Laplace approximation or with a non-finite q. */
    private static CovarianceComparison compare(FittedGaussian q, Mode mode) {
        double[][] covariance = q.covariance();
        for (double[] row : covariance) {
            if (!allFinite(row)) {
                return null;
            }
        }
        return mode.hasLaplace() && allFinite(q.mean())
                ? CovarianceComparison.of(q.mean(), covariance, mode.point(), mode.covariance())
                : null;
    }

    /** The name of unconstrained coordinate i: the block, its element, and the transform. */
    private String coordinateName(int i) {
        List<ParameterBlock> blocks = space.blocks();
        int b = 0;
        while (b + 1 < blocks.size() && space.offset(b + 1) <= i) {
            b++;
        }
        ParameterBlock block = blocks.get(b);
        String name = block.unconstrainedSize() == 1 ? block.name() : block.name() + "[" + (i - space.offset(b)) + "]";
        return block.constraint() instanceof Constraint.Real ? name : name + " (unconstrained)";
    }

    /** NaN (a draw where f is undefined) as −∞: zero weight, which PSIS and the evidence accept. */
    private static double[] finiteOrMinusInfinity(double[] logRatios) {
        double[] result = logRatios.clone();
        for (int s = 0; s < result.length; s++) {
            if (Double.isNaN(result[s]) || result[s] == Double.POSITIVE_INFINITY) {
                result[s] = Double.NEGATIVE_INFINITY;
            }
        }
        return result;
    }

    /** Multinomial resampling of the draws with probabilities proportional to the smoothed weights. */
    private static Map<String, double[][]> resample(
            Map<String, double[][]> draws, double[] logWeights, int count, SplittableRandom random) {
        int n = logWeights.length;
        double max = Arrays.stream(logWeights).max().orElseThrow();
        double[] cumulative = new double[n];
        double total = 0;
        for (int s = 0; s < n; s++) {
            total += Math.exp(logWeights[s] - max);
            cumulative[s] = total;
        }
        int[] picks = new int[count];
        for (int s = 0; s < count; s++) {
            int index = Arrays.binarySearch(cumulative, random.nextDouble() * total);
            picks[s] = Math.min(index >= 0 ? index : -index - 1, n - 1);
        }
        Map<String, double[][]> result = new LinkedHashMap<>();
        draws.forEach((name, values) -> {
            double[][] chosen = new double[count][];
            for (int s = 0; s < count; s++) {
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
            drawn = toZ(guide.toGaussian(phi))
                    .pointsFrom(MomentMatchedNoise.independent(
                            particles, space.dimension(), new SplittableRandom(config.seed())));
        } catch (IllegalArgumentException e) {
            return names;
        }
        double[] logDensity = density.logDensities(drawn);
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
            if (countNonFinite(density.logDensities(substituted)) < baseline) {
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

    private static double maxAbs(double[] values) {
        double max = 0;
        for (double v : values) {
            max = Math.max(max, Math.abs(v));
        }
        return max;
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
