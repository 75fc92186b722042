package io.github.elbo4j.vi;

import java.util.Locale;

/**
 * The settings of a Gaussian variational fit.
 *
 * @param method how q is fitted ({@link ViMethod}); the builder's default is {@link ViMethod#DADVI}
 *     for full data and {@link ViMethod#ADVI} when {@code batchSize} &gt; 0
 * @param family the Gaussian family over the unconstrained space; the builder's default, {@link
 *     GuideFamily#AUTO}, is full-rank up to 200 coordinates and mean-field with linear response beyond
 * @param rank the number of factors of a {@link GuideFamily#LOW_RANK} guide
 * @param numParticles S, the draws per gradient step (Stan's {@code grad_samples})
 * @param maxIterations the iteration cap of the main phase
 * @param relativeTolerance Stan's {@code tol_rel_obj}: the fit has converged at a step size when
 *     the mean or the median relative ELBO change over the window falls below it
 * @param evalInterval iterations between ELBO evaluations (Stan's {@code eval_elbo})
 * @param elboDraws draws for each monitored ELBO (Stan's {@code elbo_samples}); fixed across the
 *     fit (common random numbers)
 * @param learningRate Adam's step size η; NaN to choose it by the step-size search
 * @param adaptIterations iterations per candidate step size in the search (Stan's {@code
 *     adapt_iter})
 * @param numDraws draws returned and used for the importance-sampling diagnostics and the
 *     importance-weighted summaries (Stan's {@code output_samples}; 4,000 by default, as the CLI's
 *     {@code --num-draws}: with 1,000 the weighted sds of posteriordb's mesquite still erred by up to
 *     12% over seeds, with 4,000 by at most 5%)
 * @param batchSize records per step for a {@link SubsampledModel}; 0 for all records
 * @param initialScale the initial sd of an ADVI fit's q in every direction, as a multiple of the Laplace
 *     sd at the mode (ADVI runs in the coordinates the Laplace covariance whitens; 1 starts it at the
 *     Laplace approximation)
 * @param allowDeterministic whether a mean-field or full-rank fit of all records takes the
 *     deterministic path (exact ELBO, L-BFGS) when the model offers a {@link GaussianExpectation};
 *     false fits by {@code method} even then
 * @param linearResponse whether a mean-field fit also computes the linear-response covariance
 *     (Giordano, Broderick and Jordan, JMLR 19, 2018), which corrects mean-field's underestimated
 *     marginal variances; {@link ViMethod#DADVI} only
 * @param seed the seed of every random choice
 */
public record ViConfig(
        ViMethod method,
        GuideFamily family,
        int rank,
        int numParticles,
        int maxIterations,
        double relativeTolerance,
        int evalInterval,
        int elboDraws,
        double learningRate,
        int adaptIterations,
        int numDraws,
        int batchSize,
        double initialScale,
        boolean allowDeterministic,
        boolean linearResponse,
        long seed) {

    /**
     * Draws from q behind the summaries and diagnostics by default: with 1,000, the importance-weighted
     * sd of a slightly skewed posterior (posteriordb's mesquite) scattered by ±6% over seeds.
     */
    public static final int DEFAULT_NUM_DRAWS = 4000;

    /** Validates every setting with a message that says what to use instead. */
    public ViConfig {
        if (method == null) {
            throw new IllegalArgumentException("method is required (dadvi, advi, pathfinder or laplace)");
        }
        if (family == null) {
            throw new IllegalArgumentException("family is required (auto, mean-field, low-rank or full-rank)");
        }
        requirePositive(rank, "rank");
        requirePositive(numParticles, "numParticles");
        requirePositive(maxIterations, "maxIterations");
        requirePositive(evalInterval, "evalInterval");
        requirePositive(elboDraws, "elboDraws");
        requirePositive(adaptIterations, "adaptIterations");
        if (numDraws < 10) {
            throw new IllegalArgumentException("numDraws must be at least 10 for the diagnostics, got " + numDraws);
        }
        if (batchSize < 0) {
            throw new IllegalArgumentException("batchSize must be 0 (all records) or positive, got " + batchSize);
        }
        if (batchSize > 0 && method != ViMethod.ADVI) {
            throw new IllegalArgumentException("batchSize " + batchSize + " needs method advi (stochastic gradients);"
                    + " " + method.cliName() + " uses all records at every step");
        }
        if (!(relativeTolerance > 0 && relativeTolerance < 1)) {
            throw new IllegalArgumentException("relativeTolerance must lie in (0, 1), got " + relativeTolerance
                    + " (Stan's default is 0.01; smaller is stricter)");
        }
        if (!Double.isNaN(learningRate) && !(learningRate > 0 && Double.isFinite(learningRate))) {
            throw new IllegalArgumentException(
                    "learningRate must be positive, or NaN to search for one; got " + learningRate);
        }
        if (!(initialScale > 0 && Double.isFinite(initialScale))) {
            throw new IllegalArgumentException("initialScale must be positive, got " + initialScale);
        }
    }

    private static void requirePositive(int value, String name) {
        if (value < 1) {
            throw new IllegalArgumentException(name + " must be at least 1, got " + value);
        }
    }

    /** A builder starting from the defaults. */
    public static Builder builder() {
        return new Builder();
    }

    /** Whether the step size is chosen by the search. */
    public boolean searchesLearningRate() {
        return Double.isNaN(learningRate);
    }

    /**
     * The settings a fit of D unconstrained coordinates runs with: {@link GuideFamily#AUTO} replaced by
     * the family it picks, with linear response when that is mean-field; other settings unchanged.
     *
     * @param dimension D
     * @return this config, or its resolved copy
     */
    public ViConfig resolvedFor(int dimension) {
        GuideFamily resolved = family.resolve(dimension);
        if (resolved == family) {
            return this;
        }
        return new ViConfig(
                method,
                resolved,
                rank,
                numParticles,
                maxIterations,
                relativeTolerance,
                evalInterval,
                elboDraws,
                learningRate,
                adaptIterations,
                numDraws,
                batchSize,
                initialScale,
                allowDeterministic,
                linearResponse || resolved == GuideFamily.MEAN_FIELD,
                seed);
    }

    /** A copy with another seed. */
    public ViConfig withSeed(long newSeed) {
        return new ViConfig(
                method,
                family,
                rank,
                numParticles,
                maxIterations,
                relativeTolerance,
                evalInterval,
                elboDraws,
                learningRate,
                adaptIterations,
                numDraws,
                batchSize,
                initialScale,
                allowDeterministic,
                linearResponse,
                newSeed);
    }

    @Override
    public String toString() {
        return String.format(
                Locale.ROOT,
                "%s, %s%s, S=%d, max %d iterations, tol_rel_obj=%g, %s%s, seed %d",
                method,
                family,
                family == GuideFamily.LOW_RANK ? " (rank " + rank + ")" : "",
                numParticles,
                maxIterations,
                relativeTolerance,
                searchesLearningRate() ? "step size searched" : "eta=" + learningRate,
                allowDeterministic ? "" : ", stochastic only",
                seed);
    }

    /**
     * Builds a {@link ViConfig}. Defaults: DADVI (ADVI when a batch size is set), family auto, rank 2, S = 20 particles, 20,000 iterations,
     * tol_rel_obj 0.001, ELBO every 100 iterations from 200 draws, step size searched over 50
     * iterations per candidate, 4,000 output draws, all records per step, initial scale 1 (the Laplace
     * approximation),
     * deterministic path allowed, no linear response, seed 0.
     */
    public static final class Builder {
        private ViMethod method;
        private GuideFamily family = GuideFamily.AUTO;
        private int rank = 2;
        private int numParticles = 20;
        private int maxIterations = 20_000;
        private double relativeTolerance = 0.001;
        private int evalInterval = 100;
        private int elboDraws = 200;
        private double learningRate = Double.NaN;
        private int adaptIterations = 50;
        private int numDraws = DEFAULT_NUM_DRAWS;
        private int batchSize = 0;
        private double initialScale = 1.0;
        private boolean allowDeterministic = true;
        private boolean linearResponse = false;
        private long seed = 0;

        private Builder() {}

        /** The method; unset, DADVI for full data and ADVI when a batch size is set. */
        public Builder method(ViMethod value) {
            method = value;
            return this;
        }

        /** Sets {@link ViConfig#linearResponse()}: whether a mean-field DADVI fit also computes the linear-response covariance (default false; a family {@code auto} that resolves to mean-field turns it on). */
        public Builder linearResponse(boolean value) {
            linearResponse = value;
            return this;
        }

        /** Sets {@link ViConfig#family()}: the Gaussian family of q (default {@link GuideFamily#AUTO}: full-rank up to 200 coordinates, mean-field beyond). */
        public Builder family(GuideFamily value) {
            family = value;
            return this;
        }

        /** Sets {@link ViConfig#rank()}: the factors of a {@link GuideFamily#LOW_RANK} guide (default 2, at least 1; other families ignore it). */
        public Builder rank(int value) {
            rank = value;
            return this;
        }

        /** Sets {@link ViConfig#numParticles()}: S, the draws per gradient step (default 20, at least 1). */
        public Builder numParticles(int value) {
            numParticles = value;
            return this;
        }

        /** Sets {@link ViConfig#maxIterations()}: the iteration cap of the main phase (default 20,000, at least 1). */
        public Builder maxIterations(int value) {
            maxIterations = value;
            return this;
        }

        /** Sets {@link ViConfig#relativeTolerance()}: Stan's {@code tol_rel_obj} on the relative ELBO change (default 0.001, in (0, 1); smaller is stricter). */
        public Builder relativeTolerance(double value) {
            relativeTolerance = value;
            return this;
        }

        /** Sets {@link ViConfig#evalInterval()}: iterations between ELBO evaluations (default 100, at least 1). */
        public Builder evalInterval(int value) {
            evalInterval = value;
            return this;
        }

        /** Sets {@link ViConfig#elboDraws()}: the draws of each monitored ELBO (default 200, at least 1). */
        public Builder elboDraws(int value) {
            elboDraws = value;
            return this;
        }

        /** Sets {@link ViConfig#learningRate()}: Adam's step size η, positive and finite, or NaN (the default) to choose it by the step-size search. */
        public Builder learningRate(double value) {
            learningRate = value;
            return this;
        }

        /** Sets {@link ViConfig#adaptIterations()}: iterations per candidate step size in the search (default 50, at least 1). */
        public Builder adaptIterations(int value) {
            adaptIterations = value;
            return this;
        }

        /** Sets {@link ViConfig#numDraws()}: the draws returned for the summaries and diagnostics (default 4,000, at least 10). */
        public Builder numDraws(int value) {
            numDraws = value;
            return this;
        }

        /** Sets {@link ViConfig#batchSize()}: records per step of a {@link SubsampledModel} (default 0, all records; a positive size needs ADVI, which it makes the default method). */
        public Builder batchSize(int value) {
            batchSize = value;
            return this;
        }

        /** Sets {@link ViConfig#initialScale()}: an ADVI fit's initial sd as a multiple of the Laplace sd at the mode (default 1, positive). */
        public Builder initialScale(double value) {
            initialScale = value;
            return this;
        }

        /** Sets {@link ViConfig#allowDeterministic()}: whether a fit of all records may take the deterministic path when the model offers it (default true). */
        public Builder allowDeterministic(boolean value) {
            allowDeterministic = value;
            return this;
        }

        /** Sets {@link ViConfig#seed()}: the seed of every random choice (default 0). */
        public Builder seed(long value) {
            seed = value;
            return this;
        }

        /** Validates and builds. */
        public ViConfig build() {
            ViMethod chosen = method != null ? method : batchSize > 0 ? ViMethod.ADVI : ViMethod.DADVI;
            return new ViConfig(
                    chosen,
                    family,
                    rank,
                    numParticles,
                    maxIterations,
                    relativeTolerance,
                    evalInterval,
                    elboDraws,
                    learningRate,
                    adaptIterations,
                    numDraws,
                    batchSize,
                    initialScale,
                    allowDeterministic,
                    linearResponse,
                    seed);
        }
    }
}
