package io.github.elbo4j.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import io.github.elbo4j.data.Shapes;
import java.util.List;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;

/**
 * A driver-local Spark run in a JVM without {@code --add-modules jdk.incubator.vector} (a plain
 * {@code java -cp} launch; Spark's own launcher adds the flag): training and scoring inside Spark
 * tasks must run on the engine's path instead of failing to load the Vector API. The build runs
 * this class in a JVM of its own without the flag (the {@code without-vector-api} execution); with
 * the flag it is skipped.
 */
class WithoutVectorApiSparkTest {

    @Test
    void aVaeTrainsAndScoresInsideSparkTasks() {
        assumeFalse(
                ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent(),
                "the Vector API module is present in this JVM");
        var train = SparkTestSession.vectors(Shapes.generate(200, 21));
        VaeTransformerModel model = new VaeEstimator()
                .setHidden(16)
                .setLatent(2)
                .setEpochs(1)
                .setBatchSize(50)
                .setSeed(3)
                .setK(4)
                .fit(train);
        List<Row> scored = model.transform(train).collectAsList();
        assertThat(scored).hasSize(200);
        for (Row row : scored) {
            assertThat((double) row.getAs("elbo")).isFinite().isNegative();
            assertThat((double) row.getAs("loglik")).isFinite();
        }
    }
}
