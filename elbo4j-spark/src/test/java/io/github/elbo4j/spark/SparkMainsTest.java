package io.github.elbo4j.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.elbo4j.data.Shapes;
import io.github.elbo4j.vae.run.RunDirectory;
import java.nio.file.Path;
import org.apache.spark.ml.functions;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SparkMainsTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path temp;

    @Test
    void trainThenScoreAParquetTable() throws Exception {
        SparkSession spark = SparkTestSession.get();
        String table = temp.resolve("shapes.parquet").toString();
        SparkTestSession.vectors(Shapes.generate(200, 21))
                .withColumn(
                        "pixels", functions.vector_to_array(org.apache.spark.sql.functions.col("features"), "float32"))
                .drop("features")
                .write()
                .parquet(table);
        String model = temp.resolve("model").toString();
        JsonNode trained = JSON.readTree(SparkTrain.execute(spark, new String[] {
            "--data",
            table,
            "--input-col",
            "pixels",
            "--out",
            model,
            "--hidden",
            "16",
            "--latent",
            "2",
            "--epochs",
            "1",
            "--batch-size",
            "50"
        }));
        assertThat(trained.path("epochs").asInt()).isEqualTo(1);
        assertThat(trained.path("elbo").asDouble()).isNegative();
        assertThat(RunDirectory.open(Path.of(model)).readModelConfig().latent()).isEqualTo(2);
        String scoredPath = temp.resolve("scored.parquet").toString();
        JsonNode scored = JSON.readTree(SparkScore.execute(spark, new String[] {
            "--model", model, "--data", table, "--input-col", "pixels", "--k", "4", "--out", scoredPath
        }));
        assertThat(scored.path("n").asLong()).isEqualTo(200);
        assertThat(scored.path("loglik").asDouble())
                .isGreaterThanOrEqualTo(scored.path("elbo").asDouble() - 5);
        assertThat(spark.read().parquet(scoredPath).columns())
                .contains("id", "pixels", "elbo", "loglik", "latent_mean", "recon_error", "anomaly");
    }

    @Test
    void resumedTrainingReportsTheModelsEpochsAndABadRowNamesTheFile() throws Exception {
        SparkSession spark = SparkTestSession.get();
        String table = temp.resolve("shapes.parquet").toString();
        SparkTestSession.vectors(Shapes.generate(100, 22)).write().parquet(table);
        String runDir = temp.resolve("run").toUri().toString();
        String[] common = {
            "--data",
            table,
            "--input-col",
            "features",
            "--hidden",
            "8",
            "--latent",
            "2",
            "--batch-size",
            "50",
            "--run-dir",
            runDir
        };
        SparkTrain.execute(spark, concat(common, "--out", temp.resolve("m1").toString(), "--epochs", "1"));
        JsonNode resumed = JSON.readTree(SparkTrain.execute(
                spark, concat(common, "--out", temp.resolve("m2").toString(), "--epochs", "2", "--resume", "true")));
        assertThat(resumed.path("epochs").asInt()).isEqualTo(2);

        String bad = temp.resolve("bad.parquet").toString();
        spark.read()
                .parquet(table)
                .withColumn(
                        "features",
                        org.apache
                                .spark
                                .sql
                                .functions
                                .when(
                                        org.apache.spark.sql.functions.col("id").equalTo(40),
                                        org.apache.spark.sql.functions.array(org.apache.spark.sql.functions.lit(1.0)))
                                .otherwise(functions.vector_to_array(
                                        org.apache.spark.sql.functions.col("features"), "float64")))
                .write()
                .parquet(bad);
        assertThatThrownBy(() -> SparkTrain.execute(spark, new String[] {
                    "--data",
                    bad,
                    "--input-col",
                    "features",
                    "--out",
                    temp.resolve("m3").toString(),
                    "--hidden",
                    "8",
                    "--latent",
                    "2",
                    "--epochs",
                    "1"
                }))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(bad + ": input column 'features' has a row of 1 values but the model expects 784");
    }

    private static String[] concat(String[] first, String... more) {
        String[] all = java.util.Arrays.copyOf(first, first.length + more.length);
        System.arraycopy(more, 0, all, first.length, more.length);
        return all;
    }

    @Test
    void viFitsTheExampleCsv() throws Exception {
        Path csv = Path.of("..", "examples", "regression.csv");
        JsonNode fit = JSON.readTree(SparkVi.execute(SparkTestSession.get(), new String[] {
            "linear",
            "--data",
            csv.toString(),
            "--y",
            "y",
            "--x",
            "x1,x2",
            "--lr",
            "0.1",
            "--max-iterations",
            "300",
            "--num-draws",
            "200",
            "--prior",
            "sigma=exponential(1)"
        }));
        assertThat(fit.path("parameters").path("x1").path("mean").asDouble()).isCloseTo(2.05, within(0.15));
        assertThat(fit.path("parameters").path("sigma").path("prior").asText()).isEqualTo("exponential(1)");
        assertThat(fit.path("records").asLong()).isEqualTo(200);
    }

    @Test
    void badOptionsGiveOneLineMessages() {
        assertThatThrownBy(() -> SparkTrain.execute(SparkTestSession.get(), new String[] {"--data"}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("spark-train: option --data needs a value");
        assertThatThrownBy(() -> SparkScore.execute(SparkTestSession.get(), new String[] {"--modle", "x"}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("spark-score: unknown option '--modle'; options are --");
        assertThatThrownBy(() -> SparkVi.execute(SparkTestSession.get(), new String[] {"--data", "x.csv"}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("the first argument must be the model: linear, logistic or poisson");
    }
}
