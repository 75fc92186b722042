package io.github.elbo4j.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import io.github.elbo4j.data.Dataset;
import io.github.elbo4j.data.Shapes;
import io.github.elbo4j.vae.eval.EvaluationResult;
import io.github.elbo4j.vae.eval.Evaluator;
import io.github.elbo4j.vae.model.VaeConfig;
import io.github.elbo4j.vae.model.VaeModel;
import io.github.elbo4j.vae.run.RunDirectory;
import io.github.elbo4j.vae.run.RunManifest;
import io.github.elbo4j.vae.train.ProgressListener;
import io.github.elbo4j.vae.train.Seeds;
import io.github.elbo4j.vae.train.Trainer;
import io.github.elbo4j.vae.train.TrainingConfig;
import io.github.elbo4j.vae.train.TrainingListener;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.spark.TaskContext;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.api.java.UDF1;
import org.apache.spark.sql.functions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class VaeEstimatorTest {

    private static final Dataset TRAIN = Shapes.generate(400, 11);
    private static final Dataset TEST = Shapes.generate(120, 12);
    private static SparkSession spark;
    private static org.apache.spark.sql.Dataset<Row> train;
    private static org.apache.spark.sql.Dataset<Row> test;
    private static VaeTransformerModel model;

    @TempDir
    Path temp;

    private static VaeEstimator small() {
        return new VaeEstimator()
                .setHidden(32)
                .setLatent(4)
                .setEpochs(2)
                .setBatchSize(50)
                .setLearningRate(3e-3)
                .setSeed(5)
                .setK(8)
                .setAnomalyQuantile(0.9);
    }

    @BeforeAll
    static void fit() {
        spark = SparkTestSession.get();
        train = SparkTestSession.vectors(TRAIN).cache();
        test = SparkTestSession.vectors(TEST).cache();
        model = small().fit(train);
    }

    @Test
    void fitTransformSaveLoadTransformGivesIdenticalOutputs() throws Exception {
        List<Row> before = model.transform(test).orderBy("id").collectAsList();
        assertThat(before).hasSize(TEST.rows());
        Row first = before.get(0);
        double elbo = first.getAs("elbo");
        double loglik = first.getAs("loglik");
        assertThat(elbo).isNegative().isLessThan(loglik + 1e-9);
        assertThat(((Vector) first.getAs("latent_mean")).size()).isEqualTo(4);
        assertThat((double) first.getAs("recon_error")).isPositive();

        String path = temp.resolve("model").toString();
        model.write().save(path);
        VaeTransformerModel loaded = VaeTransformerModel.load(path);
        assertThat(loaded.uid()).isEqualTo(model.uid());
        assertThat(loaded.anomalyThreshold()).isEqualTo(model.anomalyThreshold());
        assertThat((Integer) loaded.getOrDefault(loaded.k())).isEqualTo(8);
        List<Row> after = loaded.transform(test).orderBy("id").collectAsList();
        assertThat(after).isEqualTo(before);
    }

    /**
     * A row's loglik is its own, bit for bit, however the rows are partitioned, ordered and chunked
     * (the fused sampler scores each row under its own seed, in batches); the other columns come
     * from batched engine products from the same noise, equal up to float rounding.
     */
    @Test
    void scoresDoNotDependOnThePartitioningOrTheChunks() {
        List<Row> reference = model.transform(test.repartition(1)).orderBy("id").collectAsList();
        // Seven partitions in a shuffled order; chunks of 5 rows and passes of 6 (50 particle rows, K = 8).
        VaeTransformerModel smallChunks = model.copy(new ParamMap()).setMaxParticleRows(50);
        List<Row> other = smallChunks
                .transform(test.orderBy(functions.rand(3)).repartition(7))
                .orderBy("id")
                .collectAsList();
        assertThat(other).hasSize(reference.size());
        for (int i = 0; i < reference.size(); i++) {
            Row a = reference.get(i);
            Row b = other.get(i);
            assertThat((double) b.getAs("loglik")).as("loglik of row %d", i).isEqualTo((double) a.getAs("loglik"));
            assertThat((double) b.getAs("elbo"))
                    .isCloseTo(a.getAs("elbo"), within(1e-5 * Math.abs((double) a.getAs("elbo"))));
            double recon = a.getAs("recon_error");
            assertThat((double) b.getAs("recon_error")).isCloseTo(recon, within(1e-5 * recon));
            double[] mean = ((Vector) a.getAs("latent_mean")).toArray();
            double[] otherMean = ((Vector) b.getAs("latent_mean")).toArray();
            for (int j = 0; j < mean.length; j++) {
                assertThat(otherMean[j]).isCloseTo(mean[j], within(1e-5));
            }
        }
    }

    @Test
    void trainingImprovesTheElboAndFlagsAboutTheQuantileOfTrainingRows() {
        assertThat(model.trainingMetrics()).hasSize(2);
        assertThat(model.trainingMetrics().get(1).elbo())
                .isGreaterThan(model.trainingMetrics().get(0).elbo());
        long flagged = model.transform(train).filter("anomaly").count();
        // The threshold is the 0.9 quantile of the training rows' −ELBO: 10 % of them lie above it.
        assertThat(flagged).isBetween(38L, 40L);
    }

    @Test
    void sparkSavedModelIsARunDirectoryTheVaeApisRead() throws Exception {
        Path dir = temp.resolve("saved");
        model.write().save(dir.toString());
        RunDirectory run = RunDirectory.open(dir);
        assertThat(run.readModelConfig()).isEqualTo(model.config());
        List<Row> scored = model.transform(test).orderBy("id").collectAsList();
        try (NDManager manager = NDManager.newBaseManager();
                VaeModel vae = run.loadModel(manager)) {
            assertThat(vae.parameterValues()).isEqualTo(model.parameters());
            assertEncoderMeansMatch(vae, manager, scored);
            EvaluationResult result = new Evaluator(vae, manager).evaluate(TEST, 8, 0, ProgressListener.NONE);
            double sparkElbo = scored.stream()
                    .mapToDouble(r -> r.<Double>getAs("elbo"))
                    .average()
                    .orElseThrow();
            double sparkLoglik = scored.stream()
                    .mapToDouble(r -> r.<Double>getAs("loglik"))
                    .average()
                    .orElseThrow();
            // Same model, different noise: the dataset means agree within Monte Carlo error.
            assertThat(result.elbo()).isCloseTo(sparkElbo, org.assertj.core.data.Offset.offset(2.0));
            assertThat(result.loglik()).isCloseTo(sparkLoglik, org.assertj.core.data.Offset.offset(2.0));
        }
    }

    @Test
    void cliRunDirectoryLoadsAsASparkModel() throws Exception {
        VaeConfig config =
                VaeConfig.builder().inputShape(28, 28).hidden(16).latent(3).build();
        Path dir = temp.resolve("cli-run");
        try (NDManager manager = NDManager.newBaseManager();
                VaeModel vae = VaeModel.initialize(config, manager, Seeds.derive(3, Seeds.Stream.INIT, 0))) {
            RunDirectory run = RunDirectory.create(dir, RunManifest.empty(), config);
            new Trainer(new TrainingConfig(1, 50, 1e-3, 3), TrainingListener.NONE).train(vae, TRAIN, null, run, null);
            run.writeModel(vae);
            VaeTransformerModel loaded = VaeTransformerModel.load(dir.toString());
            assertThat(loaded.config()).isEqualTo(config);
            assertThat(Double.isNaN(loaded.anomalyThreshold())).isTrue();
            List<Row> scored = loaded.transform(test).orderBy("id").collectAsList();
            assertThat(scored.get(0).isNullAt(scored.get(0).fieldIndex("anomaly")))
                    .isTrue();
            assertEncoderMeansMatch(vae, manager, scored);
        }
    }

    private static void assertEncoderMeansMatch(VaeModel vae, NDManager manager, List<Row> scored) {
        float[] x = new float[TEST.values().length];
        System.arraycopy(TEST.values(), 0, x, 0, x.length);
        try (NDManager scope = manager.newSubManager()) {
            NDArray input = scope.create(x, new ai.djl.ndarray.types.Shape(TEST.rows(), TEST.features()));
            float[] means = vae.bind(scope).encode(input).loc().toFloatArray();
            int latent = vae.config().latent();
            for (int i = 0; i < TEST.rows(); i++) {
                double[] spark = ((Vector) scored.get(i).getAs("latent_mean")).toArray();
                for (int j = 0; j < latent; j++) {
                    assertThat(spark[j]).isCloseTo(means[i * latent + j], org.assertj.core.data.Offset.offset(1e-5));
                }
            }
        }
    }

    @Test
    void sameSeedAndPartitioningGiveIdenticalParametersAndResumeContinuesExactly() {
        VaeEstimator estimator = small().setEpochs(2).setSyncEvery(3);
        float[] straight = estimator.fit(train).parameters();
        Path dir = temp.resolve("resumable");
        small().setSyncEvery(3)
                .setEpochs(1)
                .setRunDirectory(dir.toString())
                .setCheckpointInterval(1)
                .fit(train);
        assertThat(Files.isRegularFile(dir.resolve("checkpoints").resolve("latest.safetensors")))
                .isTrue();
        VaeTransformerModel resumed = small().setSyncEvery(3)
                .setEpochs(2)
                .setRunDirectory(dir.toString())
                .setResume(true)
                .fit(train);
        assertThat(resumed.parameters()).isEqualTo(straight);
        assertThat(RunDirectory.open(dir).readMetrics()).hasSize(2);
        assertThat(estimator.fit(train).parameters()).isEqualTo(straight);
    }

    @Test
    void shardsDependOnTheRowsNotOnSparksPartitioningOrRowOrder() {
        VaeEstimator estimator = small().setEpochs(1).setShards(3);
        float[] reference = estimator.fit(train).parameters();
        assertThat(estimator.fit(train.coalesce(1)).parameters()).isEqualTo(reference);
        assertThat(estimator.fit(train.repartition(5)).parameters()).isEqualTo(reference);
        assertThat(estimator
                        .fit(train.orderBy(functions.rand(7)).repartition(2))
                        .parameters())
                .isEqualTo(reference);
        VaeEstimator synchronous = small().setEpochs(1).setSyncEvery(1);
        assertThat(synchronous.fit(train.repartition(5)).parameters())
                .isEqualTo(synchronous.fit(train.coalesce(1)).parameters());
    }

    @Test
    void runDirectoryOnAHadoopFilesystemUriResumesExactly() throws Exception {
        float[] straight = small().setEpochs(2).fit(train).parameters();
        Path dir = temp.resolve("on-hadoop");
        String uri = dir.toUri().toString();
        assertThat(uri).startsWith("file:/");
        small().setEpochs(1).setRunDirectory(uri).fit(train);
        assertThat(Files.isRegularFile(dir.resolve("checkpoints").resolve("latest.safetensors")))
                .isTrue();
        VaeTransformerModel resumed =
                small().setEpochs(2).setRunDirectory(uri).setResume(true).fit(train);
        assertThat(resumed.parameters()).isEqualTo(straight);
        assertThat(resumed.trainedEpochs()).isEqualTo(2);
        RunDirectory run = RunDirectory.open(dir);
        assertThat(run.readMetrics()).hasSize(2);
        assertThat(Files.readString(dir.resolve("spark.json"))).contains("anomaly_threshold");
        try (NDManager manager = NDManager.newBaseManager();
                VaeModel loaded = run.loadModel(manager)) {
            assertThat(loaded.parameterValues()).isEqualTo(straight);
        }
        assertThat(Path.of("file:")).doesNotExist();
    }

    @Test
    void aRowOfTheWrongWidthIsReportedOnTheDriverWithoutFailingTasks() {
        org.apache.spark.sql.Dataset<Row> arrays = train.withColumn(
                "features", org.apache.spark.ml.functions.vector_to_array(functions.col("features"), "float32"));
        org.apache.spark.sql.Dataset<Row> oneShort = arrays.withColumn(
                "features",
                functions
                        .when(functions.col("id").equalTo(333), functions.slice(functions.col("features"), 1, 783))
                        .otherwise(functions.col("features")));
        assertThatThrownBy(() -> small().fit(oneShort))
                .isInstanceOf(InputVectors.InvalidRow.class)
                .hasMessage("input column 'features' has a row of 783 values but the model expects 784");
    }

    @Test
    void taskThatFailsOnItsFirstAttemptIsRetriedWithIdenticalResults() {
        VaeEstimator estimator = small().setEpochs(1).setSyncEvery(1);
        float[] clean = estimator.fit(train).parameters();
        int injectedBefore = DistributedVaeTrainer.INJECTED_FAILURES.get();
        DistributedVaeTrainer.failFirstAttemptOfRound = 3;
        float[] retried;
        try {
            retried = estimator.fit(train).parameters();
        } finally {
            DistributedVaeTrainer.failFirstAttemptOfRound = -1;
        }
        assertThat(DistributedVaeTrainer.INJECTED_FAILURES.get()).isEqualTo(injectedBefore + 1);
        assertThat(retried).isEqualTo(clean);

        // Scoring: the input of the first task attempt to run fails once.
        AtomicBoolean failed = FailOnce.FAILED;
        failed.set(false);
        spark.udf()
                .register(
                        "failOnce", (UDF1<Long, Long>) FailOnce::apply, org.apache.spark.sql.types.DataTypes.LongType);
        List<Row> expected = model.transform(test).orderBy("id").collectAsList();
        List<Row> actual = model.transform(test.withColumn("id", functions.callUDF("failOnce", functions.col("id"))))
                .orderBy("id")
                .collectAsList();
        assertThat(failed.get()).isTrue();
        assertThat(actual).isEqualTo(expected);
    }

    /** Throws in the first task attempt that evaluates it, once per test run. */
    static final class FailOnce {
        static final AtomicBoolean FAILED = new AtomicBoolean();

        static Long apply(Long id) {
            if (TaskContext.get().attemptNumber() == 0 && FAILED.compareAndSet(false, true)) {
                throw new IllegalStateException("injected failure of a first attempt");
            }
            return id;
        }
    }

    @Test
    void estimatorParamsSurviveSaveAndLoad() throws Exception {
        VaeEstimator estimator = small().setSyncEvery(4).setInputShape(28, 28);
        String path = temp.resolve("estimator").toString();
        estimator.write().save(path);
        VaeEstimator loaded = VaeEstimator.load(path);
        assertThat(loaded.uid()).isEqualTo(estimator.uid());
        assertThat(loaded.getOrDefault(loaded.hidden())).containsExactly(32);
        assertThat(loaded.getOrDefault(loaded.inputShape())).containsExactly(28, 28);
        assertThat((Integer) loaded.getOrDefault(loaded.syncEvery())).isEqualTo(4);
        assertThat((Integer) loaded.getOrDefault(loaded.shards())).isEqualTo(VaeEstimator.DEFAULT_SHARDS);
        assertThat((Double) loaded.getOrDefault(loaded.learningRate())).isEqualTo(3e-3);
    }

    @Test
    void badInputGivesOneLineMessages() {
        assertThatThrownBy(() -> model.setInputCol("pixels").transform(test))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("input column 'pixels' not found; the columns are [id, features]");
        model.setInputCol("features");
        assertThatThrownBy(() -> small().setInputCol("id").fit(train))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("input column 'id' has type bigint; expected a vector or an array of numbers");
        assertThatThrownBy(() -> small().setInputShape(28, 27).fit(train))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("inputShape [28, 27] has 756 values but the rows of 'features' have 784");
        org.apache.spark.sql.Dataset<Row> short10 = test.withColumn(
                "features",
                functions.slice(
                        org.apache.spark.ml.functions.vector_to_array(functions.col("features"), "float64"), 1, 10));
        assertThatThrownBy(() -> model.transform(short10).count())
                .hasStackTraceContaining("input column 'features' has a row of 10 values but the model expects 784");
    }
}
