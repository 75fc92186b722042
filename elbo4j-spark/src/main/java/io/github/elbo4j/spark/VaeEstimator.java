package io.github.elbo4j.spark;

import io.github.elbo4j.vae.model.Activation;
import io.github.elbo4j.vae.model.Likelihood;
import io.github.elbo4j.vae.model.VaeConfig;
import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.ml.Estimator;
import org.apache.spark.ml.param.BooleanParam;
import org.apache.spark.ml.param.DoubleParam;
import org.apache.spark.ml.param.IntArrayParam;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.LongParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.param.ParamValidators;
import org.apache.spark.ml.util.DefaultParamsWritable;
import org.apache.spark.ml.util.Identifiable;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.StructType;

/**
 * Spark ML estimator that trains an MLP VAE data-parallel on a column of vectors or numeric arrays
 * and returns a {@link VaeTransformerModel}.
 *
 * <p>The objective is the single-sample reparameterized ELBO with analytic KL, maximized with Adam
 * (loss = −mean ELBO), exactly as {@code elbo4j train}; the architecture parameters mirror
 * {@link VaeConfig} and the command line ({@code hidden}, {@code latent}, {@code activation},
 * {@code likelihood}, {@code gaussianScale}). How partitions cooperate is set by
 * {@code syncEvery}: 1 adds the gradient of every step over all shards (synchronous minibatch
 * SGD, one Spark job per step), N &gt; 1 (default {@value #DEFAULT_SYNC_EVERY}) averages
 * parameters after N local steps (see {@link DistributedVaeTrainer} for the trade-off). Rows are
 * hashed into {@code shards} logical shards (default {@value #DEFAULT_SHARDS}; one task each), so
 * the result is bit-identical for a fixed seed and shard count whatever the master, the input
 * partitioning, the row order, task retries and lost executors. With {@code runDirectory} set
 * (a local folder or a Hadoop filesystem URI), the driver writes a CLI-compatible run directory
 * with per-epoch metrics and checkpoints, and {@code resume} continues from its latest checkpoint.
 *
 * <pre>{@code
 * VaeTransformerModel model = new VaeEstimator().setInputCol("features")
 *         .setHidden(200, 200).setLatent(50).setEpochs(10).fit(train);
 * model.transform(test).select("elbo", "loglik", "anomaly").show();
 * }</pre>
 */
public final class VaeEstimator extends Estimator<VaeTransformerModel> implements DefaultParamsWritable {

    private static final long serialVersionUID = 1L;

    /** Local steps between parameter averages by default (see {@link DistributedVaeTrainer}). */
    public static final int DEFAULT_SYNC_EVERY = 50;
    /** Logical shards by default (see {@link LogicalShards}). */
    public static final int DEFAULT_SHARDS = 2;

    private final String uid;
    private final Param<String> inputCol;
    private final IntArrayParam inputShape;
    private final IntArrayParam hidden;
    private final IntParam latent;
    private final Param<String> activation;
    private final Param<String> likelihood;
    private final DoubleParam gaussianScale;
    private final IntParam epochs;
    private final IntParam batchSize;
    private final DoubleParam learningRate;
    private final LongParam seed;
    private final IntParam k;
    private final IntParam syncEvery;
    private final IntParam shards;
    private final DoubleParam anomalyQuantile;
    private final Param<String> runDirectory;
    private final BooleanParam resume;
    private final IntParam checkpointInterval;
    private final IntParam maxParticleRows;

    /** An estimator with a random uid and the defaults of the standard model. */
    public VaeEstimator() {
        this(Identifiable.randomUID("vae"));
    }

    /** An estimator with the given uid (Spark ML creates copies through this constructor). */
    public VaeEstimator(String uid) {
        // Params are created here, after the uid is set: Params reads the parent's uid.
        this.uid = uid;
        inputCol = new Param<>(this, "inputCol", "column of vectors or numeric arrays to model");
        inputShape = new IntArrayParam(
                this,
                "inputShape",
                "shape of one example, e.g. [28, 28] (empty: one dimension, the length of the input rows)");
        hidden = new IntArrayParam(this, "hidden", "encoder hidden-layer widths; the decoder mirrors them");
        latent = new IntParam(this, "latent", "latent dimension", ParamValidators.gtEq(1));
        activation = new Param<>(
                this,
                "activation",
                "hidden nonlinearity: tanh, relu or softplus",
                ParamValidators.inArray(new String[] {"tanh", "relu", "softplus"}));
        likelihood = new Param<>(
                this,
                "likelihood",
                "observation model: bernoulli (data in [0, 1]) or gaussian",
                ParamValidators.inArray(new String[] {"bernoulli", "gaussian"}));
        gaussianScale = new DoubleParam(
                this, "gaussianScale", "sigma of the fixed-scale Gaussian likelihood", ParamValidators.gt(0));
        epochs = new IntParam(this, "epochs", "passes over the training data", ParamValidators.gtEq(1));
        batchSize = new IntParam(this, "batchSize", "examples per step over all partitions", ParamValidators.gtEq(1));
        learningRate = new DoubleParam(this, "learningRate", "Adam step size", ParamValidators.gt(0));
        seed = new LongParam(this, "seed", "seeds initialization, shuffling and noise");
        k = new IntParam(this, "k", "importance samples K of the loglik column (IWAE-K)", ParamValidators.gtEq(1));
        syncEvery = new IntParam(
                this,
                "syncEvery",
                "1: aggregate gradients every step; N > 1: average parameters after N local steps",
                ParamValidators.gtEq(1));
        shards = new IntParam(
                this,
                "shards",
                "logical shards the rows are hashed into (the result depends on it, not on Spark's partitioning)",
                ParamValidators.gtEq(1));
        anomalyQuantile = new DoubleParam(
                this,
                "anomalyQuantile",
                "quantile of the training scores -ELBO above which a row is flagged anomalous",
                ParamValidators.inRange(0, 1));
        runDirectory = new Param<>(
                this,
                "runDirectory",
                "CLI-compatible run directory with metrics and checkpoints: a driver-local folder or a Hadoop"
                        + " filesystem URI such as hdfs://host/runs/x (empty: none)");
        resume = new BooleanParam(this, "resume", "continue from the latest checkpoint in runDirectory");
        checkpointInterval = new IntParam(
                this,
                "checkpointInterval",
                "also checkpoint every this many rounds (0: at epoch ends only)",
                ParamValidators.gtEq(0));
        maxParticleRows = new IntParam(
                this,
                "maxParticleRows",
                "memory budget of scoring: (sample, example) rows decoded at once per task",
                ParamValidators.gtEq(1));
        setDefault(inputCol, "features");
        setDefault(inputShape, new int[0]);
        setDefault(hidden, new int[] {200, 200});
        setDefault(latent, 50);
        setDefault(activation, "tanh");
        setDefault(likelihood, "bernoulli");
        setDefault(gaussianScale, 0.1);
        setDefault(epochs, 10);
        setDefault(batchSize, 100);
        setDefault(learningRate, 1e-3);
        setDefault(seed, 0L);
        setDefault(k, 50);
        setDefault(syncEvery, DEFAULT_SYNC_EVERY);
        setDefault(shards, DEFAULT_SHARDS);
        setDefault(anomalyQuantile, 0.99);
        setDefault(runDirectory, "");
        setDefault(resume, false);
        setDefault(checkpointInterval, 0);
        setDefault(maxParticleRows, 20_000);
    }

    @Override
    public String uid() {
        return uid;
    }

    /** The column of vectors or numeric arrays to train on (default {@code "features"}). */
    public Param<String> inputCol() {
        return inputCol;
    }

    /** The shape of one example, e.g. [28, 28], whose product must equal the row length (default empty: one dimension, the row length). */
    public IntArrayParam inputShape() {
        return inputShape;
    }

    /** The encoder's hidden-layer widths; the decoder mirrors them (default [200, 200], each at least 1). */
    public IntArrayParam hidden() {
        return hidden;
    }

    /** The latent dimension (default 50, at least 1). */
    public IntParam latent() {
        return latent;
    }

    /** The hidden nonlinearity: {@code tanh}, {@code relu} or {@code softplus} (default {@code tanh}). */
    public Param<String> activation() {
        return activation;
    }

    /** The observation model: {@code bernoulli} (data in [0, 1]; the default) or {@code gaussian} (fixed σ {@link #gaussianScale()}). */
    public Param<String> likelihood() {
        return likelihood;
    }

    /** σ of the Gaussian likelihood, in the data's units (default 0.1, positive; unused by {@code bernoulli}). */
    public DoubleParam gaussianScale() {
        return gaussianScale;
    }

    /** Passes over the training data (default 10, at least 1). */
    public IntParam epochs() {
        return epochs;
    }

    /** Examples per step, summed over all shards (default 100, at least 1). */
    public IntParam batchSize() {
        return batchSize;
    }

    /** Adam's step size (default 1e-3, positive). */
    public DoubleParam learningRate() {
        return learningRate;
    }

    /** Seeds the initialization, the shuffling and the noise of training, and the model's scoring noise (default 0). */
    public LongParam seed() {
        return seed;
    }

    /** K, the importance samples of the model's {@code loglik} column (IWAE-K; default 50, at least 1); training does not use it. */
    public IntParam k() {
        return k;
    }

    /** 1: add the gradients of all shards every step; N &gt; 1: average the parameters after N local steps (default {@value #DEFAULT_SYNC_EVERY}, at least 1). */
    public IntParam syncEvery() {
        return syncEvery;
    }

    /** The logical shards the rows are hashed into, one task each; the result depends on it, not on Spark's partitioning (default {@value #DEFAULT_SHARDS}, at least 1). */
    public IntParam shards() {
        return shards;
    }

    /** The quantile of the training rows' −ELBO that becomes the model's anomaly threshold (default 0.99, in [0, 1]). */
    public DoubleParam anomalyQuantile() {
        return anomalyQuantile;
    }

    /** A CLI-compatible run directory for metrics and checkpoints: a driver-local folder or a Hadoop filesystem URI (default empty: none). */
    public Param<String> runDirectory() {
        return runDirectory;
    }

    /** Whether to continue from the latest checkpoint in {@link #runDirectory()} (default false; without a checkpoint training starts afresh). */
    public BooleanParam resume() {
        return resume;
    }

    /** Also checkpoint every this many rounds, a round being one Spark job of 1 or {@code syncEvery} steps (default 0: at epoch ends only). */
    public IntParam checkpointInterval() {
        return checkpointInterval;
    }

    /** The memory budget of scoring: (sample, example) rows decoded at once per task (default 20,000, at least 1). */
    public IntParam maxParticleRows() {
        return maxParticleRows;
    }

    /** Sets {@link #inputCol()}: the training column (default {@code "features"}). */
    public VaeEstimator setInputCol(String value) {
        set(inputCol, value);
        return this;
    }

    /** Sets {@link #inputShape()}: the shape of one example (default: the row length). */
    public VaeEstimator setInputShape(int... value) {
        set(inputShape, value.clone());
        return this;
    }

    /** Sets {@link #hidden()}: the encoder's hidden-layer widths (default 200, 200). */
    public VaeEstimator setHidden(int... value) {
        set(hidden, value.clone());
        return this;
    }

    /** Sets {@link #latent()}: the latent dimension (default 50, at least 1). */
    public VaeEstimator setLatent(int value) {
        set(latent, value);
        return this;
    }

    /** Sets {@link #activation()}: {@code tanh} (default), {@code relu} or {@code softplus}. */
    public VaeEstimator setActivation(String value) {
        set(activation, value);
        return this;
    }

    /** Sets {@link #likelihood()}: {@code bernoulli} (default) or {@code gaussian}. */
    public VaeEstimator setLikelihood(String value) {
        set(likelihood, value);
        return this;
    }

    /** Sets {@link #gaussianScale()}: σ of the Gaussian likelihood (default 0.1, positive). */
    public VaeEstimator setGaussianScale(double value) {
        set(gaussianScale, value);
        return this;
    }

    /** Sets {@link #epochs()}: passes over the data (default 10, at least 1). */
    public VaeEstimator setEpochs(int value) {
        set(epochs, value);
        return this;
    }

    /** Sets {@link #batchSize()}: examples per step over all shards (default 100, at least 1). */
    public VaeEstimator setBatchSize(int value) {
        set(batchSize, value);
        return this;
    }

    /** Sets {@link #learningRate()}: Adam's step size (default 1e-3, positive). */
    public VaeEstimator setLearningRate(double value) {
        set(learningRate, value);
        return this;
    }

    /** Sets {@link #seed()}: the seed of training and of the model's scoring (default 0). */
    public VaeEstimator setSeed(long value) {
        set(seed, value);
        return this;
    }

    /** Sets {@link #k()}: importance samples of the model's {@code loglik} (default 50, at least 1). */
    public VaeEstimator setK(int value) {
        set(k, value);
        return this;
    }

    /** Sets {@link #syncEvery()}: steps between synchronizations (default {@value #DEFAULT_SYNC_EVERY}, at least 1). */
    public VaeEstimator setSyncEvery(int value) {
        set(syncEvery, value);
        return this;
    }

    /** Sets {@link #shards()}: logical shards of the rows (default {@value #DEFAULT_SHARDS}, at least 1). */
    public VaeEstimator setShards(int value) {
        set(shards, value);
        return this;
    }

    /** Sets {@link #anomalyQuantile()}: the quantile of the training −ELBO flagged as anomalous (default 0.99, in [0, 1]). */
    public VaeEstimator setAnomalyQuantile(double value) {
        set(anomalyQuantile, value);
        return this;
    }

    /** Sets {@link #runDirectory()}: a local folder or Hadoop URI for the run directory (default empty: none). */
    public VaeEstimator setRunDirectory(String value) {
        set(runDirectory, value);
        return this;
    }

    /** Sets {@link #resume()}: whether to continue from the run directory's latest checkpoint (default false). */
    public VaeEstimator setResume(boolean value) {
        set(resume, value);
        return this;
    }

    /** Sets {@link #checkpointInterval()}: rounds between extra checkpoints (default 0: epoch ends only). */
    public VaeEstimator setCheckpointInterval(int value) {
        set(checkpointInterval, value);
        return this;
    }

    /** Sets {@link #maxParticleRows()}: rows decoded at once per scoring task (default 20,000, at least 1). */
    public VaeEstimator setMaxParticleRows(int value) {
        set(maxParticleRows, value);
        return this;
    }

    private int intValue(IntParam p) {
        return (Integer) getOrDefault(p);
    }

    /** The architecture for inputs of {@code features} values. */
    VaeConfig architecture(int features) {
        int[] shape = getOrDefault(inputShape);
        if (shape.length == 0) {
            shape = new int[] {features};
        }
        VaeConfig config = VaeConfig.builder()
                .inputShape(shape)
                .hidden(getOrDefault(hidden))
                .latent(intValue(latent))
                .activation(Activation.parse(getOrDefault(activation)))
                .likelihood(Likelihood.parse(getOrDefault(likelihood)))
                .gaussianScale((Double) getOrDefault(gaussianScale))
                .build();
        if (config.inputSize() != features) {
            throw new IllegalArgumentException("inputShape " + java.util.Arrays.toString(shape) + " has "
                    + config.inputSize() + " values but the rows of '" + getOrDefault(inputCol) + "' have " + features);
        }
        return config;
    }

    @Override
    public VaeTransformerModel fit(Dataset<?> dataset) {
        transformSchema(dataset.schema(), true);
        String column = getOrDefault(inputCol);
        Dataset<Row> input = dataset.toDF().select(column);
        List<Row> first = input.limit(1).collectAsList();
        if (first.isEmpty()) {
            throw new IllegalArgumentException("the training DataFrame has no rows");
        }
        int features = InputVectors.read(first.get(0), 0, column, -1).length;
        VaeConfig config = architecture(features);
        VaeSpec spec = VaeSpec.of(config);
        JavaRDD<Shard> logical = LogicalShards.of(input, column, features, intValue(shards));
        String runDir = getOrDefault(runDirectory);
        JavaSparkContext sc =
                JavaSparkContext.fromSparkContext(dataset.sparkSession().sparkContext());
        try (RunLocation location = runDir.isEmpty() ? null : RunLocation.open(runDir, sc.hadoopConfiguration())) {
            DistributedVaeTrainer.Settings settings = new DistributedVaeTrainer.Settings(
                    spec,
                    intValue(epochs),
                    intValue(batchSize),
                    (Double) getOrDefault(learningRate),
                    (Long) getOrDefault(seed),
                    intValue(syncEvery),
                    intValue(checkpointInterval),
                    (Boolean) getOrDefault(resume));
            DistributedVaeTrainer.Outcome outcome = new DistributedVaeTrainer(settings).train(sc, logical, location);
            VaeTransformerModel model = new VaeTransformerModel(uid, spec, outcome.parameters(), Double.NaN, outcome);
            copyValues(model, ParamMap.empty());
            double threshold =
                    AnomalyThreshold.quantile(sc, logical, spec, outcome.parameters(), model.scoringSeed(), (Double)
                            getOrDefault(anomalyQuantile));
            model.setAnomalyThresholdInternal(threshold);
            if (location != null) {
                model.writeSparkState(location.local());
                location.publish();
            }
            model.setParent(this);
            return model;
        } finally {
            logical.unpersist(false);
        }
    }

    @Override
    public StructType transformSchema(StructType schema) {
        InputVectors.check(schema, getOrDefault(inputCol));
        return VaeTransformerModel.outputSchema(schema);
    }

    @Override
    public VaeEstimator copy(ParamMap extra) {
        return defaultCopy(extra);
    }

    /** Reads an estimator saved with {@code write().save(path)}. */
    public static MLReader<VaeEstimator> read() {
        return new org.apache.spark.ml.util.DefaultParamsReader<>();
    }

    /** Loads an estimator saved with {@code save(path)}. */
    public static VaeEstimator load(String path) {
        return read().load(path);
    }
}
