package io.github.elbo4j.spark;

import io.github.elbo4j.vi.GuideFamily;
import io.github.elbo4j.vi.VariationalPosterior;
import io.github.elbo4j.vi.ViConfig;
import io.github.elbo4j.vi.ViListener;
import io.github.elbo4j.vi.glm.GeneralizedLinearModel;
import io.github.elbo4j.vi.glm.GlmFamily;
import io.github.elbo4j.vi.glm.GlmLayout;
import io.github.elbo4j.vi.glm.Preconditioning;
import io.github.elbo4j.vi.glm.RegressionPrior;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.ml.Estimator;
import org.apache.spark.ml.param.BooleanParam;
import org.apache.spark.ml.param.DoubleParam;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.LongParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.param.ParamValidators;
import org.apache.spark.ml.param.StringArrayParam;
import org.apache.spark.ml.util.Identifiable;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.storage.StorageLevel;

/**
 * Bayesian linear, logistic or Poisson regression on a DataFrame (a features vector column and a
 * numeric label column) by Gaussian variational inference, with the likelihood summed over the
 * partitions by Spark jobs and the guide and optimizer on the driver (see {@link DistributedGlm}).
 *
 * <p>The model, the default priors (weakly informative and scaled to the data, computed with one
 * pass over the data) and the fitting algorithm are those of {@link GeneralizedLinearModel#fit}:
 * {@link io.github.elbo4j.vi.GaussianVi} over QR-preconditioned coordinates (the preconditioner from
 * the same pass's means and cross products), the result reported on the original scale, with its
 * reliability verdict; the result is the same {@link VariationalPosterior} a single-machine fit
 * returns. Logistic and Poisson fits of all records with a full-rank or mean-field guide (the
 * default {@code auto} family up to 200 coefficients) are deterministic, as on one machine: L-BFGS
 * to the mode, then L-BFGS on the exact ELBO, each function evaluation one Spark job of n × q²
 * operations, about thirty jobs per fit with the mode search and the final draws' diagnostics. Linear
 * regression, low-rank guides and {@code batchSize > 0} run stochastic ADVI: one Spark job of
 * S × n × p multiply-adds per iteration (S = {@code numParticles}), plus one per
 * {@code evalInterval} iterations for the convergence monitor.
 *
 * <pre>{@code
 * GaussianViModel fit = new GaussianViEstimator().setFamily("logistic")
 *         .setFeatureNames("age", "dose").fit(df);
 * fit.posterior().summary("dose");
 * }</pre>
 */
public final class GaussianViEstimator extends Estimator<GaussianViModel> {

    private static final long serialVersionUID = 1L;

    private final String uid;
    private final Param<String> featuresCol;
    private final Param<String> labelCol;
    private final Param<String> family;
    private final BooleanParam fitIntercept;
    private final StringArrayParam featureNames;
    private final StringArrayParam priors;
    private final Param<String> guideFamily;
    private final IntParam rank;
    private final IntParam numParticles;
    private final IntParam maxIterations;
    private final DoubleParam tolRelObj;
    private final DoubleParam learningRate;
    private final IntParam numDraws;
    private final LongParam seed;
    private final IntParam batchSize;

    /** An estimator with a random uid. */
    public GaussianViEstimator() {
        this(Identifiable.randomUID("gaussianVi"));
    }

    /** An estimator with the given uid. */
    public GaussianViEstimator(String uid) {
        this.uid = uid;
        featuresCol = new Param<>(this, "featuresCol", "predictors: a vector or numeric array column");
        labelCol = new Param<>(this, "labelCol", "response column (0/1 for logistic, counts for poisson)");
        family = new Param<>(this, "family", "linear, logistic or poisson", ParamValidators.inArray(new String[] {
            "linear", "logistic", "poisson"
        }));
        fitIntercept = new BooleanParam(this, "fitIntercept", "whether to include an intercept");
        featureNames = new StringArrayParam(
                this, "featureNames", "one name per predictor (default x1, x2, ...); names the posterior blocks");
        priors = new StringArrayParam(
                this,
                "priors",
                "prior overrides NAME=DIST, e.g. beta=normal(0,1), sigma=exponential(1), intercept=student_t(3,0,10)");
        guideFamily = new Param<>(
                this,
                "guideFamily",
                "auto (full-rank up to 200 coordinates, else mean-field"
                        + " with linear response), mean-field, low-rank or full-rank",
                ParamValidators.inArray(new String[] {"auto", "mean-field", "low-rank", "full-rank"}));
        rank = new IntParam(this, "rank", "rank of the low-rank guide", ParamValidators.gtEq(1));
        numParticles = new IntParam(this, "numParticles", "particles S per iteration", ParamValidators.gtEq(1));
        maxIterations = new IntParam(this, "maxIterations", "iteration budget", ParamValidators.gtEq(1));
        tolRelObj = new DoubleParam(
                this, "tolRelObj", "Stan's relative ELBO tolerance", ParamValidators.inRange(0, 1, false, false));
        learningRate = new DoubleParam(this, "learningRate", "Adam step size; 0 searches one as Stan's adapt_eta");
        numDraws =
                new IntParam(this, "numDraws", "draws from q for summaries and diagnostics", ParamValidators.gtEq(10));
        seed = new LongParam(this, "seed", "seeds every random draw of the fit");
        batchSize = new IntParam(
                this,
                "batchSize",
                "records per step (drawn with replacement, likelihood scaled by n/m); 0: every record every step",
                ParamValidators.gtEq(0));
        setDefault(batchSize, 0);
        setDefault(featuresCol, "features");
        setDefault(labelCol, "label");
        setDefault(family, "linear");
        setDefault(fitIntercept, true);
        setDefault(featureNames, new String[0]);
        setDefault(priors, new String[0]);
        setDefault(guideFamily, "auto");
        setDefault(rank, 2);
        setDefault(numParticles, 20);
        setDefault(maxIterations, 20_000);
        setDefault(tolRelObj, 0.001);
        setDefault(learningRate, 0.0);
        setDefault(numDraws, ViConfig.DEFAULT_NUM_DRAWS);
        setDefault(seed, 0L);
    }

    @Override
    public String uid() {
        return uid;
    }

    /** The predictors column: a vector or numeric array column (default {@code "features"}). */
    public Param<String> featuresCol() {
        return featuresCol;
    }

    /** The numeric response column: 0/1 for logistic, counts for Poisson regression (default {@code "label"}). */
    public Param<String> labelCol() {
        return labelCol;
    }

    /** The regression: {@code linear}, {@code logistic} or {@code poisson} (default {@code linear}). */
    public Param<String> family() {
        return family;
    }

    /** Whether the model has an intercept (default true). */
    public BooleanParam fitIntercept() {
        return fitIntercept;
    }

    /** One name per predictor, naming the posterior blocks (default empty: x1, x2, ...). */
    public StringArrayParam featureNames() {
        return featureNames;
    }

    /**
     * Prior overrides {@code NAME=DIST}: NAME is {@code beta} (every coefficient), a feature name,
     * {@code intercept} or {@code sigma} (linear only); DIST is {@code normal(m,s)}, {@code cauchy(m,s)},
     * {@code student_t(nu,m,s)} or {@code exponential(rate)} (default none: weakly informative priors
     * scaled to the data).
     */
    public StringArrayParam priors() {
        return priors;
    }

    /** The Gaussian family of q: {@code auto} (the default: full-rank up to 200 coordinates, else mean-field with linear response), {@code mean-field}, {@code low-rank} or {@code full-rank}. */
    public Param<String> guideFamily() {
        return guideFamily;
    }

    /** The factors of a low-rank guide (default 2, at least 1). */
    public IntParam rank() {
        return rank;
    }

    /** S, the draws per ADVI iteration (default 20, at least 1). */
    public IntParam numParticles() {
        return numParticles;
    }

    /** The iteration cap (default 20,000, at least 1). */
    public IntParam maxIterations() {
        return maxIterations;
    }

    /** Stan's {@code tol_rel_obj}, the relative ELBO change below which the fit has converged (default 0.001, in (0, 1)). */
    public DoubleParam tolRelObj() {
        return tolRelObj;
    }

    /** Adam's step size for ADVI; 0 (the default) searches one as Stan's {@code adapt_eta} does; negative is refused. */
    public DoubleParam learningRate() {
        return learningRate;
    }

    /** The draws from q for the summaries and diagnostics (default 4,000, at least 10). */
    public IntParam numDraws() {
        return numDraws;
    }

    /** The seed of every random draw of the fit (default 0). */
    public LongParam seed() {
        return seed;
    }

    /** Records per ADVI step, drawn with replacement, the likelihood scaled by n/m (default 0: every record every step). */
    public IntParam batchSize() {
        return batchSize;
    }

    /** Sets {@link #batchSize()}: records per ADVI step (default 0, all records; a positive size fits by stochastic ADVI). */
    public GaussianViEstimator setBatchSize(int value) {
        set(batchSize, value);
        return this;
    }

    /** Sets {@link #featuresCol()}: the predictors column (default {@code "features"}). */
    public GaussianViEstimator setFeaturesCol(String value) {
        set(featuresCol, value);
        return this;
    }

    /** Sets {@link #labelCol()}: the response column (default {@code "label"}). */
    public GaussianViEstimator setLabelCol(String value) {
        set(labelCol, value);
        return this;
    }

    /** Sets {@link #family()}: {@code linear}, {@code logistic} or {@code poisson} (default {@code linear}). */
    public GaussianViEstimator setFamily(String value) {
        set(family, value);
        return this;
    }

    /** Sets {@link #fitIntercept()}: whether the model has an intercept (default true). */
    public GaussianViEstimator setFitIntercept(boolean value) {
        set(fitIntercept, value);
        return this;
    }

    /** Sets {@link #featureNames()}: one name per predictor (default x1, x2, ...). */
    public GaussianViEstimator setFeatureNames(String... value) {
        set(featureNames, value.clone());
        return this;
    }

    /** Sets {@link #priors()}: prior overrides such as {@code beta=normal(0,1)} (default none). */
    public GaussianViEstimator setPriors(String... value) {
        set(priors, value.clone());
        return this;
    }

    /** Sets {@link #guideFamily()}: {@code auto} (default), {@code mean-field}, {@code low-rank} or {@code full-rank}. */
    public GaussianViEstimator setGuideFamily(String value) {
        set(guideFamily, value);
        return this;
    }

    /** Sets {@link #rank()}: the factors of a low-rank guide (default 2, at least 1). */
    public GaussianViEstimator setRank(int value) {
        set(rank, value);
        return this;
    }

    /** Sets {@link #numParticles()}: draws per ADVI iteration (default 20, at least 1). */
    public GaussianViEstimator setNumParticles(int value) {
        set(numParticles, value);
        return this;
    }

    /** Sets {@link #maxIterations()}: the iteration cap (default 20,000, at least 1). */
    public GaussianViEstimator setMaxIterations(int value) {
        set(maxIterations, value);
        return this;
    }

    /** Sets {@link #tolRelObj()}: the relative ELBO tolerance (default 0.001, in (0, 1)). */
    public GaussianViEstimator setTolRelObj(double value) {
        set(tolRelObj, value);
        return this;
    }

    /** Sets {@link #learningRate()}: Adam's step size, or 0 (the default) to search one. */
    public GaussianViEstimator setLearningRate(double value) {
        set(learningRate, value);
        return this;
    }

    /** Sets {@link #numDraws()}: draws for the summaries and diagnostics (default 4,000, at least 10). */
    public GaussianViEstimator setNumDraws(int value) {
        set(numDraws, value);
        return this;
    }

    /** Sets {@link #seed()}: the seed of the fit (default 0). */
    public GaussianViEstimator setSeed(long value) {
        set(seed, value);
        return this;
    }

    /**
     * The fitting settings these params describe (the same object a single-machine fit takes, so
     * that a single-machine fit with them runs the same algorithm): for logistic and Poisson
     * regression of all records a full-rank or mean-field guide is fitted deterministically
     * (L-BFGS on the exact ELBO), otherwise by stochastic ADVI.
     */
    public ViConfig viConfig() {
        double lr = (Double) getOrDefault(learningRate);
        if (lr < 0 || !Double.isFinite(lr)) {
            throw new IllegalArgumentException("learningRate must be positive, or 0 to search one; got " + lr);
        }
        return ViConfig.builder()
                .family(GuideFamily.fromName(getOrDefault(guideFamily)))
                .rank((Integer) getOrDefault(rank))
                .numParticles((Integer) getOrDefault(numParticles))
                .maxIterations((Integer) getOrDefault(maxIterations))
                .relativeTolerance((Double) getOrDefault(tolRelObj))
                .learningRate(lr == 0 ? Double.NaN : lr)
                .numDraws((Integer) getOrDefault(numDraws))
                .seed((Long) getOrDefault(seed))
                .batchSize((Integer) getOrDefault(batchSize))
                .build();
    }

    /** The prior overrides given by {@link #setPriors}, parsed. */
    public Map<String, RegressionPrior> priorOverrides() {
        Map<String, RegressionPrior> result = new LinkedHashMap<>();
        for (String option : getOrDefault(priors)) {
            int equals = option.indexOf('=');
            if (equals <= 0) {
                throw new IllegalArgumentException(
                        "prior '" + option + "' must look like NAME=DIST, e.g. beta=normal(0,1)");
            }
            result.put(option.substring(0, equals).trim(), RegressionPrior.parse(option.substring(equals + 1)));
        }
        return result;
    }

    @Override
    public GaussianViModel fit(Dataset<?> dataset) {
        transformSchema(dataset.schema(), true);
        String x = getOrDefault(featuresCol);
        String y = getOrDefault(labelCol);
        GlmFamily glmFamily = GlmFamily.fromName(getOrDefault(family));
        Dataset<Row> input = dataset.toDF().select(x, y);
        List<Row> first = input.limit(1).collectAsList();
        if (first.isEmpty()) {
            throw new IllegalArgumentException("the DataFrame has no rows");
        }
        int p = InputVectors.readDoubles(first.get(0), 0, x, -1).length;
        return fit(
                input.javaRDD()
                        .mapPartitionsWithIndex(
                                (Integer index, Iterator<Row> rows) -> List.of(
                                                GlmShard.pack(index, rows, x, y, p, glmFamily))
                                        .iterator(),
                                true),
                p);
    }

    /**
     * Fits the records of {@code shards} (not yet computed: the first job packs and caches them,
     * and the cache is dropped at the end), each with {@code p} predictors.
     *
     * @throws IllegalArgumentException if a shard holds a bad record, or there are no records
     */
    GaussianViModel fit(JavaRDD<GlmShard> shards, int p) {
        GlmFamily glmFamily = GlmFamily.fromName(getOrDefault(family));
        List<String> names = columnNames(p);
        ViConfig config = viConfig();
        Map<String, RegressionPrior> overrides = priorOverrides();
        JavaRDD<GlmShard> cached = shards.persist(StorageLevel.MEMORY_AND_DISK());
        try {
            DataMoments moments = DataMoments.of(cached, p);
            if (moments.count() == 0) {
                throw new IllegalArgumentException("the data have no rows");
            }
            boolean intercept = (Boolean) getOrDefault(fitIntercept);
            Map<String, RegressionPrior> resolved = moments.defaultPriors(glmFamily, names, intercept, overrides);
            DistributedGlm model = new DistributedGlm(
                    glmFamily, names, intercept, resolved, moments.predictorMeans(), cached, 2, moments.count());
            // QR preconditioning from the moments, as GeneralizedLinearModel.fit does on one machine.
            VariationalPosterior posterior = moments.preconditioner(
                            Preconditioning.QR, glmFamily, GlmLayout.of(glmFamily, p, intercept))
                    .fit(model, config, ViListener.NONE);
            GaussianViModel result = new GaussianViModel(
                    uid, posterior, glmFamily, names, intercept, resolved, moments.count(), model.jobs());
            copyValues(result, ParamMap.empty());
            result.setParent(this);
            return result;
        } finally {
            cached.unpersist(false);
        }
    }

    private List<String> columnNames(int p) {
        String[] given = getOrDefault(featureNames);
        if (given.length == 0) {
            List<String> names = new ArrayList<>();
            for (int j = 1; j <= p; j++) {
                names.add("x" + j);
            }
            return names;
        }
        if (given.length != p) {
            throw new IllegalArgumentException("featureNames has " + given.length + " names but the rows of '"
                    + getOrDefault(featuresCol) + "' have " + p + " predictors");
        }
        return List.of(given);
    }

    @Override
    public StructType transformSchema(StructType schema) {
        InputVectors.check(schema, getOrDefault(featuresCol));
        InputVectors.checkNumeric(schema, getOrDefault(labelCol));
        return GaussianViModel.outputSchema(schema);
    }

    @Override
    public GaussianViEstimator copy(ParamMap extra) {
        return defaultCopy(extra);
    }
}
