package io.github.elbo4j.spark;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.elbo4j.data.DataException;
import io.github.elbo4j.vae.model.VaeConfig;
import io.github.elbo4j.vae.model.VaeModel;
import io.github.elbo4j.vae.run.RunDirectory;
import io.github.elbo4j.vae.run.Safetensors;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.hadoop.fs.FileSystem;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.ml.Model;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.LongParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.param.ParamValidators;
import org.apache.spark.ml.util.DefaultParamsReader;
import org.apache.spark.ml.util.DefaultParamsWriter;
import org.apache.spark.ml.util.Identifiable;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.ml.util.MLWritable;
import org.apache.spark.ml.util.MLWriter;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import scala.Option;

/**
 * A trained VAE as a Spark ML transformer. {@link #transform} appends, for every row x of the
 * input column:
 *
 * <ul>
 *   <li>{@code elbo}: the single-sample reparameterized ELBO with analytic KL,
 *       log p(x|z) − KL(q(z|x) ‖ p(z)), z = μ + σ ε (nats, higher is better);</li>
 *   <li>{@code loglik}: the importance-weighted bound log (1/K) Σ_k p(x, z_k)/q(z_k|x) with K =
 *       {@code k} samples (Burda et al. 2015), an estimate of log p(x) that tightens with K;</li>
 *   <li>{@code latent_mean}: the encoder mean μ(x) (a vector of {@code latent} values);</li>
 *   <li>{@code recon_error}: Σ_j (x_j − x̂_j)², x̂ the decoder mean (Bernoulli probabilities or
 *       Gaussian mean) at z = μ(x);</li>
 *   <li>{@code anomaly}: −elbo &gt; the threshold, the {@code anomalyQuantile} of the training
 *       rows' −ELBO (null when the model has no threshold, e.g. one read from a CLI run).</li>
 * </ul>
 *
 * <p>Noise for a row is seeded by (seed, the row's values), so a row's scores do not depend on the
 * partitioning, the chunking, the executor or a task retry. Each executor JVM loads the weights once
 * (see {@link ModelCache}); each task estimates {@code loglik} with the fused importance sampler of
 * {@code elbo4j eval} where it applies (the rows of a chunk decoded together, each under its own
 * noise, to the bits of the row scored alone), else in batched engine calls, and computes the
 * other columns in batched engine calls, decoding at most {@code maxParticleRows} (sample,
 * example) rows at once. Every row is scored once per
 * {@code transform} action.
 *
 * <p>{@link #write()} saves a folder that is also an elbo4j run directory ({@code model.json},
 * {@code model.safetensors} with the weight names of docs/ARCHITECTURE.md, {@code config.json}) plus Spark's
 * {@code metadata/} and {@code spark.json} (the anomaly threshold): {@code elbo4j eval --run DIR
 * --data ...} evaluates it, and {@link #load} reads a run directory written by {@code elbo4j train}.
 */
public final class VaeTransformerModel extends Model<VaeTransformerModel> implements MLWritable {

    private static final long serialVersionUID = 1L;

    /** Output column names. */
    public static final String ELBO = "elbo";

    public static final String LOGLIK = "loglik";
    public static final String LATENT_MEAN = "latent_mean";
    public static final String RECON_ERROR = "recon_error";
    public static final String ANOMALY = "anomaly";

    private final String uid;
    private final VaeSpec spec;
    private final float[] parameters;
    private double anomalyThreshold;
    private final transient DistributedVaeTrainer.Outcome training;
    private final Param<String> inputCol;
    private final IntParam k;
    private final LongParam seed;
    private final IntParam maxParticleRows;
    private transient String key;
    private transient Broadcast<float[]> broadcast;

    VaeTransformerModel(
            String uid,
            VaeSpec spec,
            float[] parameters,
            double anomalyThreshold,
            DistributedVaeTrainer.Outcome training) {
        this.uid = uid;
        this.spec = spec;
        this.parameters = parameters;
        this.anomalyThreshold = anomalyThreshold;
        this.training = training;
        long expected = VaeModel.layoutOf(spec.toConfig()).totalSize();
        if (parameters.length != expected) {
            throw new IllegalArgumentException("expected " + expected + " parameters, got " + parameters.length);
        }
        inputCol = new Param<>(this, "inputCol", "column of vectors or numeric arrays to score");
        k = new IntParam(this, "k", "importance samples K of the loglik column (IWAE-K)", ParamValidators.gtEq(1));
        seed = new LongParam(this, "seed", "seeds the per-row scoring noise");
        maxParticleRows = new IntParam(
                this,
                "maxParticleRows",
                "memory budget: (sample, example) rows decoded at once per task",
                ParamValidators.gtEq(1));
        setDefault(inputCol, "features");
        setDefault(k, 50);
        setDefault(seed, 0L);
        setDefault(maxParticleRows, 20_000);
    }

    /** A transformer for a model in memory (e.g. trained with {@code Trainer}), without a threshold. */
    public static VaeTransformerModel of(VaeModel model) {
        return new VaeTransformerModel(
                Identifiable.randomUID("vae"), VaeSpec.of(model.config()), model.parameterValues(), Double.NaN, null);
    }

    @Override
    public String uid() {
        return uid;
    }

    /** The column of vectors or numeric arrays to score (default {@code "features"}). */
    public Param<String> inputCol() {
        return inputCol;
    }

    /** K, the importance samples of the {@code loglik} column (default 50, at least 1; the bound tightens and the cost grows with K). */
    public IntParam k() {
        return k;
    }

    /** Seeds the per-row scoring noise (default 0). */
    public LongParam seed() {
        return seed;
    }

    /** The memory budget of scoring: (sample, example) rows decoded at once per task (default 20,000, at least 1). */
    public IntParam maxParticleRows() {
        return maxParticleRows;
    }

    /** Sets {@link #inputCol()}: the column to score (default {@code "features"}). */
    public VaeTransformerModel setInputCol(String value) {
        set(inputCol, value);
        return this;
    }

    /** Sets {@link #k()}: importance samples of {@code loglik} (default 50, at least 1). */
    public VaeTransformerModel setK(int value) {
        set(k, value);
        return this;
    }

    /** Sets {@link #seed()}: the seed of the scoring noise (default 0). */
    public VaeTransformerModel setSeed(long value) {
        set(seed, value);
        return this;
    }

    /** Sets {@link #maxParticleRows()}: rows decoded at once per task (default 20,000, at least 1). */
    public VaeTransformerModel setMaxParticleRows(int value) {
        set(maxParticleRows, value);
        return this;
    }

    /** Sets the −ELBO above which {@code anomaly} is true (NaN: no threshold, null column). */
    public VaeTransformerModel setAnomalyThreshold(double value) {
        setAnomalyThresholdInternal(value);
        return this;
    }

    void setAnomalyThresholdInternal(double value) {
        this.anomalyThreshold = value;
    }

    /** The −ELBO above which a row is flagged anomalous, or NaN. */
    public double anomalyThreshold() {
        return anomalyThreshold;
    }

    /** The architecture. */
    public VaeConfig config() {
        return spec.toConfig();
    }

    /** A copy of the flat parameter vector (layout of {@link VaeModel#layoutOf}). */
    public float[] parameters() {
        return parameters.clone();
    }

    /** Per-epoch metrics of the training run that produced this model (empty if loaded). */
    public java.util.List<io.github.elbo4j.vae.train.EpochMetrics> trainingMetrics() {
        return training == null ? java.util.List.of() : training.metrics();
    }

    /**
     * Epochs the model has been trained for, counting those before a resume (0 if loaded):
     * {@link #trainingMetrics} holds only the epochs of this run.
     */
    public int trainedEpochs() {
        return training == null ? 0 : training.epochs();
    }

    /** Training wall time in seconds (NaN if loaded). */
    public double trainingSeconds() {
        return training == null ? Double.NaN : training.seconds();
    }

    /** A model in engine memory with these weights; the caller closes it. */
    public VaeModel toVaeModel(ai.djl.ndarray.NDManager manager) {
        return VaeModel.fromParameters(spec.toConfig(), parameters, manager);
    }

    long scoringSeed() {
        return (Long) getOrDefault(seed);
    }

    /** The input schema with the five score columns appended. */
    static StructType outputSchema(StructType schema) {
        for (String name : new String[] {ELBO, LOGLIK, LATENT_MEAN, RECON_ERROR, ANOMALY}) {
            if (Arrays.asList(schema.fieldNames()).contains(name)) {
                throw new IllegalArgumentException(
                        "output column '" + name + "' already exists in the input;" + " drop or rename it first");
            }
        }
        return schema.add(
                        new StructField(ELBO, DataTypes.DoubleType, false, org.apache.spark.sql.types.Metadata.empty()))
                .add(new StructField(LOGLIK, DataTypes.DoubleType, false, org.apache.spark.sql.types.Metadata.empty()))
                .add(new StructField(
                        LATENT_MEAN, SQLDataTypes.VectorType(), false, org.apache.spark.sql.types.Metadata.empty()))
                .add(new StructField(
                        RECON_ERROR, DataTypes.DoubleType, false, org.apache.spark.sql.types.Metadata.empty()))
                .add(new StructField(
                        ANOMALY, DataTypes.BooleanType, true, org.apache.spark.sql.types.Metadata.empty()));
    }

    @Override
    public StructType transformSchema(StructType schema) {
        InputVectors.check(schema, getOrDefault(inputCol));
        return outputSchema(schema);
    }

    @Override
    public Dataset<Row> transform(Dataset<?> dataset) {
        StructType out = transformSchema(dataset.schema(), true);
        Dataset<Row> df = dataset.toDF();
        String column = getOrDefault(inputCol);
        int index = df.schema().fieldIndex(column);
        int features = spec.inputSize();
        int samples = (Integer) getOrDefault(k);
        long rowSeed = scoringSeed();
        double threshold = anomalyThreshold;
        int particleRows = (Integer) getOrDefault(maxParticleRows);
        int chunk = Math.max(1, Math.min(1000, particleRows / (samples + 1)));
        VaeSpec s = spec;
        String cacheKey = key();
        Broadcast<float[]> weights = weights(df.sparkSession());
        JavaRDD<Row> rows = df.javaRDD()
                .mapPartitions(it -> new ScoringIterator(
                        it,
                        () -> ModelCache.acquire(
                                cacheKey,
                                () -> VaeModel.fromParameters(s.toConfig(), weights.value(), VaeCompute.base())),
                        index,
                        column,
                        features,
                        samples,
                        rowSeed,
                        threshold,
                        chunk,
                        particleRows));
        return df.sparkSession().createDataFrame(rows, out);
    }

    /**
     * Dataset means of the score columns over {@code dataset}: {@code n}, {@code elbo},
     * {@code loglik} (IWAE-K), {@code recon_error}: the distributed test log-likelihood.
     */
    public Map<String, Double> evaluate(Dataset<?> dataset) {
        return summarize(transform(dataset));
    }

    /**
     * The means of {@link #evaluate} over a table this model has already scored (the output of
     * {@link #transform}, or that output read back from where it was written), so that writing the
     * scores and reporting their means scores every row once.
     */
    public Map<String, Double> summarize(Dataset<?> scored) {
        Row r = scored.agg(
                        org.apache.spark.sql.functions.count(ELBO),
                        org.apache.spark.sql.functions.avg(ELBO),
                        org.apache.spark.sql.functions.avg(LOGLIK),
                        org.apache.spark.sql.functions.avg(RECON_ERROR))
                .first();
        Map<String, Double> result = new LinkedHashMap<>();
        result.put("n", (double) r.getLong(0));
        result.put(ELBO, r.isNullAt(1) ? Double.NaN : r.getDouble(1));
        result.put(LOGLIK, r.isNullAt(2) ? Double.NaN : r.getDouble(2));
        result.put(RECON_ERROR, r.isNullAt(3) ? Double.NaN : r.getDouble(3));
        result.put("k", (double) (Integer) getOrDefault(k));
        return result;
    }

    private synchronized String key() {
        if (key == null) {
            key = ModelCache.key(spec, parameters);
        }
        return key;
    }

    private synchronized Broadcast<float[]> weights(SparkSession session) {
        if (broadcast == null) {
            broadcast =
                    JavaSparkContext.fromSparkContext(session.sparkContext()).broadcast(parameters);
        }
        return broadcast;
    }

    @Override
    public VaeTransformerModel copy(ParamMap extra) {
        VaeTransformerModel copy = new VaeTransformerModel(uid, spec, parameters, anomalyThreshold, training);
        return copyValues(copy, extra).setParent(parent());
    }

    @Override
    public MLWriter write() {
        return new Writer(this);
    }

    /** Reads a model saved with {@link #write()} or a run directory written by {@code elbo4j train}. */
    public static MLReader<VaeTransformerModel> read() {
        return new Reader();
    }

    /** Loads a model saved with {@link #write()} or a CLI run directory. */
    public static VaeTransformerModel load(String path) {
        return read().load(path);
    }

    /** Writes {@code spark.json} (the anomaly threshold and scoring settings) into a local run directory. */
    void writeSparkState(Path runDirectory) {
        try {
            Files.writeString(runDirectory.resolve("spark.json"), sparkState().toPrettyString() + "\n");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + runDirectory.resolve("spark.json"), e);
        }
    }

    private ObjectNode sparkState() {
        ObjectNode node = RunDirectory.JSON.createObjectNode();
        node.put("format", "elbo4j-spark-vae");
        if (Double.isNaN(anomalyThreshold)) {
            node.putNull("anomaly_threshold");
        } else {
            node.put("anomaly_threshold", anomalyThreshold);
        }
        node.put("anomaly_score", "-elbo (single-sample ELBO, analytic KL, noise seeded per row)");
        node.put("k", (Integer) getOrDefault(k));
        node.put("seed", scoringSeed());
        return node;
    }

    /** Saves the run-directory files and Spark's metadata. */
    private static final class Writer extends MLWriter {
        private final VaeTransformerModel instance;

        Writer(VaeTransformerModel instance) {
            this.instance = instance;
        }

        @Override
        public void saveImpl(String path) {
            DefaultParamsWriter.saveMetadata(instance, path, sparkSession());
            VaeConfig config = instance.spec.toConfig();
            ObjectNode runConfig = RunDirectory.JSON.createObjectNode();
            runConfig.put("created", java.time.Instant.now().toString());
            runConfig.set("model", RunDirectory.describe(config));
            ObjectNode training = runConfig.putObject("training");
            training.put("objective", "elbo");
            training.put("estimator", "single-sample reparameterized ELBO, analytic KL");
            training.put("trainer", "spark");
            ObjectNode data = runConfig.putObject("data");
            data.put("spec", "");
            data.put("data_dir", "");
            data.put("source", "spark DataFrame");
            Map<String, String> metadata = new LinkedHashMap<>();
            metadata.put("format", "elbo4j-vae");
            byte[] weights = Safetensors.encode(VaeModel.layoutOf(config).unpack(instance.parameters), metadata);
            org.apache.hadoop.fs.Path root = new org.apache.hadoop.fs.Path(path);
            try {
                FileSystem fs = root.getFileSystem(sc().hadoopConfiguration());
                write(fs, new org.apache.hadoop.fs.Path(root, "model.safetensors"), weights);
                write(fs, new org.apache.hadoop.fs.Path(root, "model.json"), json(RunDirectory.describe(config)));
                write(fs, new org.apache.hadoop.fs.Path(root, "config.json"), json(runConfig));
                write(fs, new org.apache.hadoop.fs.Path(root, "spark.json"), json(instance.sparkState()));
            } catch (IOException e) {
                throw new UncheckedIOException("cannot save the model to " + path, e);
            }
        }

        private static byte[] json(JsonNode node) {
            return (node.toPrettyString() + "\n").getBytes(StandardCharsets.UTF_8);
        }

        private static void write(FileSystem fs, org.apache.hadoop.fs.Path file, byte[] content) throws IOException {
            try (OutputStream out = fs.create(file, true)) {
                out.write(content);
            }
        }
    }

    /** Reads a saved model or a CLI run directory (then with default params and no threshold). */
    private static final class Reader extends MLReader<VaeTransformerModel> {

        @Override
        public VaeTransformerModel load(String path) {
            org.apache.hadoop.fs.Path root = new org.apache.hadoop.fs.Path(path);
            Path local = null;
            try {
                FileSystem fs = root.getFileSystem(sc().hadoopConfiguration());
                if (!fs.exists(new org.apache.hadoop.fs.Path(root, "model.json"))) {
                    throw new IllegalArgumentException(path + ": not an elbo4j model or run directory (no model.json)");
                }
                // The vae readers validate local files; stage the few small files locally.
                local = Files.createTempDirectory("elbo4j-spark-load");
                for (String name : new String[] {"model.json", "model.safetensors", "spark.json"}) {
                    org.apache.hadoop.fs.Path file = new org.apache.hadoop.fs.Path(root, name);
                    if (fs.exists(file)) {
                        try (InputStream in = fs.open(file)) {
                            Files.copy(in, local.resolve(name));
                        }
                    }
                }
                RunDirectory run = RunDirectory.open(local);
                VaeConfig config = run.readModelConfig();
                if (!Files.isRegularFile(run.modelFile())) {
                    throw new IllegalArgumentException(path + ": no trained weights (model.safetensors)");
                }
                float[] values;
                try {
                    values = VaeModel.layoutOf(config)
                            .pack(Safetensors.read(run.modelFile()).tensors(), "does not match model.json");
                } catch (DataException e) {
                    throw new IllegalArgumentException(path + "/model.safetensors: " + e.getMessage());
                }
                double threshold = Double.NaN;
                if (Files.isRegularFile(local.resolve("spark.json"))) {
                    JsonNode state = RunDirectory.JSON.readTree(
                            local.resolve("spark.json").toFile());
                    JsonNode t = state.path("anomaly_threshold");
                    threshold = t.isNumber() ? t.asDouble() : Double.NaN;
                }
                boolean hasMetadata = fs.exists(new org.apache.hadoop.fs.Path(root, "metadata"));
                if (!hasMetadata) {
                    return new VaeTransformerModel(
                            Identifiable.randomUID("vae"), VaeSpec.of(config), values, threshold, null);
                }
                DefaultParamsReader.Metadata metadata =
                        DefaultParamsReader.loadMetadata(path, sparkSession(), VaeTransformerModel.class.getName());
                VaeTransformerModel model =
                        new VaeTransformerModel(metadata.uid(), VaeSpec.of(config), values, threshold, null);
                metadata.getAndSetParams(model, Option.empty());
                return model;
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read the model at " + path, e);
            } finally {
                if (local != null) {
                    deleteQuietly(local);
                }
            }
        }

        private static void deleteQuietly(Path folder) {
            try (var paths = Files.walk(folder)) {
                paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            } catch (IOException ignored) {
                // a temporary folder; the OS cleans it eventually
            }
        }
    }
}
