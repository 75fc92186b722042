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
    public static final int DEFAULT_SYNC_EVERY = 10;
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
        inputShape = new IntArrayParam(this, "inputShape",
                "shape of one example, e.g. [28, 28] (empty: one dimension, the length of the input rows)");
        hidden = new IntArrayParam(this, "hidden", "encoder hidden-layer widths; the decoder mirrors them");
        latent = new IntParam(this, "latent", "latent dimension", ParamValidators.gtEq(1));
        activation = new Param<>(this, "activation", "hidden nonlinearity: tanh, relu or softplus",
                ParamValidators.inArray(new String[] {"tanh", "relu", "softplus"}));
        likelihood = new Param<>(this, "likelihood", "observation model: bernoulli (data in [0, 1]) or gaussian",
                ParamValidators.inArray(new String[] {"bernoulli", "gaussian"}));
        gaussianScale = new DoubleParam(this, "gaussianScale", "sigma of the fixed-scale Gaussian likelihood",
                ParamValidators.gt(0));
        epochs = new IntParam(this, "epochs", "passes over the training data", ParamValidators.gtEq(1));
        batchSize = new IntParam(this, "batchSize", "examples per step over all partitions", ParamValidators.gtEq(1));
        learningRate = new DoubleParam(this, "learningRate", "Adam step size", ParamValidators.gt(0));
        seed = new LongParam(this, "seed", "seeds initialization, shuffling and noise");
        k = new IntParam(this, "k", "importance samples K of the loglik column (IWAE-K)", ParamValidators.gtEq(1));
        syncEvery = new IntParam(this, "syncEvery",
                "1: aggregate gradients every step; N > 1: average parameters after N local steps",
                ParamValidators.gtEq(1));
        shards = new IntParam(this, "shards",
                "logical shards the rows are hashed into (the result depends on it, not on Spark's partitioning)",
                ParamValidators.gtEq(1));
        anomalyQuantile = new DoubleParam(this, "anomalyQuantile",
                "quantile of the training scores -ELBO above which a row is flagged anomalous",
                ParamValidators.inRange(0, 1));
        runDirectory = new Param<>(this, "runDirectory",
                "CLI-compatible run directory with metrics and checkpoints: a driver-local folder or a Hadoop"
                        + " filesystem URI such as hdfs://host/runs/x (empty: none)");
        resume = new BooleanParam(this, "resume", "continue from the latest checkpoint in runDirectory");
        checkpointInterval = new IntParam(this, "checkpointInterval",
                "also checkpoint every this many rounds (0: at epoch ends only)", ParamValidators.gtEq(0));
        maxParticleRows = new IntParam(this, "maxParticleRows",
                "memory budget of scoring: (sample, example) rows decoded at once per task", ParamValidators.gtEq(1));
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

    public Param<String> inputCol() {
        return inputCol;
    }

    public IntArrayParam inputShape() {
        return inputShape;
    }

    public IntArrayParam hidden() {
        return hidden;
    }

    public IntParam latent() {
        return latent;
    }

    public Param<String> activation() {
        return activation;
    }

    public Param<String> likelihood() {
        return likelihood;
    }

    public DoubleParam gaussianScale() {
        return gaussianScale;
    }

    public IntParam epochs() {
        return epochs;
    }

    public IntParam batchSize() {
        return batchSize;
    }

    public DoubleParam learningRate() {
        return learningRate;
    }

    public LongParam seed() {
        return seed;
    }

    public IntParam k() {
        return k;
    }

    public IntParam syncEvery() {
        return syncEvery;
    }

    public IntParam shards() {
        return shards;
    }

    public DoubleParam anomalyQuantile() {
        return anomalyQuantile;
    }

    public Param<String> runDirectory() {
        return runDirectory;
    }

    public BooleanParam resume() {
        return resume;
    }

    public IntParam checkpointInterval() {
        return checkpointInterval;
    }

    public IntParam maxParticleRows() {
        return maxParticleRows;
    }

    public VaeEstimator setInputCol(String value) {
        set(inputCol, value);
        return this;
    }

    public VaeEstimator setInputShape(int... value) {
        set(inputShape, value.clone());
        return this;
    }

    public VaeEstimator setHidden(int... value) {
        set(hidden, value.clone());
        return this;
    }

    public VaeEstimator setLatent(int value) {
        set(latent, value);
        return this;
    }

    public VaeEstimator setActivation(String value) {
        set(activation, value);
        return this;
    }

    public VaeEstimator setLikelihood(String value) {
        set(likelihood, value);
        return this;
    }

    public VaeEstimator setGaussianScale(double value) {
        set(gaussianScale, value);
        return this;
    }

    public VaeEstimator setEpochs(int value) {
        set(epochs, value);
        return this;
    }

    public VaeEstimator setBatchSize(int value) {
        set(batchSize, value);
        return this;
    }

    public VaeEstimator setLearningRate(double value) {
        set(learningRate, value);
        return this;
    }

    public VaeEstimator setSeed(long value) {
        set(seed, value);
        return this;
    }

    public VaeEstimator setK(int value) {
        set(k, value);
        return this;
    }

    public VaeEstimator setSyncEvery(int value) {
        set(syncEvery, value);
        return this;
    }

    public VaeEstimator setShards(int value) {
        set(shards, value);
        return this;
    }

    public VaeEstimator setAnomalyQuantile(double value) {
        set(anomalyQuantile, value);
        return this;
    }

    public VaeEstimator setRunDirectory(String value) {
        set(runDirectory, value);
        return this;
    }

    public VaeEstimator setResume(boolean value) {
        set(resume, value);
        return this;
    }

    public VaeEstimator setCheckpointInterval(int value) {
        set(checkpointInterval, value);
        return this;
    }

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
        JavaSparkContext sc = JavaSparkContext.fromSparkContext(dataset.sparkSession().sparkContext());
        try (RunLocation location = runDir.isEmpty() ? null : RunLocation.open(runDir, sc.hadoopConfiguration())) {
            DistributedVaeTrainer.Settings settings = new DistributedVaeTrainer.Settings(spec, intValue(epochs),
                    intValue(batchSize), (Double) getOrDefault(learningRate), (Long) getOrDefault(seed),
                    intValue(syncEvery), intValue(checkpointInterval), (Boolean) getOrDefault(resume));
            DistributedVaeTrainer.Outcome outcome = new DistributedVaeTrainer(settings).train(sc, logical, location);
            VaeTransformerModel model = new VaeTransformerModel(uid, spec, outcome.parameters(), Double.NaN,
                    outcome);
            copyValues(model, ParamMap.empty());
            double threshold = AnomalyThreshold.quantile(sc, logical, spec, outcome.parameters(),
                    model.scoringSeed(), (Double) getOrDefault(anomalyQuantile));
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
