package io.github.elbo4j.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.elbo4j.vi.ParameterSummary;
import io.github.elbo4j.vi.VariationalPosterior;
import io.github.elbo4j.vi.ViConfig;
import io.github.elbo4j.vi.glm.GeneralizedLinearModel;
import io.github.elbo4j.vi.glm.GlmFamily;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.spark.SparkContext;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerJobStart;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code SparkVi} on a real posterior, Gelman and Hill's arsenic wells (3,020 records), against the
 * single-machine fit that {@code elbo4j vi logistic} runs with the same defaults.
 */
class SparkViTest {

    @Test
    void wellsLogisticRegressionMatchesTheSingleMachineFit() throws Exception {
        Path wells = wellsCsv();
        assumeTrue(wells != null, "shared/data/posteriordb/wells.csv not present beside the repository; skipped");
        JobCounter jobs = new JobCounter();
        JsonNode spark = new ObjectMapper()
                .readTree(jobs.count(() -> SparkVi.execute(SparkTestSession.get(), new String[] {
                    "logistic", "--data", wells.toString(), "--y", "switched", "--x", "arsenic,dist"
                })));

        List<String> lines = Files.readAllLines(wells);
        List<String> header = Arrays.asList(lines.get(0).split(","));
        int n = lines.size() - 1;
        double[][] x = new double[n][2];
        double[] y = new double[n];
        for (int i = 0; i < n; i++) {
            String[] cells = lines.get(i + 1).split(",");
            x[i][0] = Double.parseDouble(cells[header.indexOf("arsenic")]);
            x[i][1] = Double.parseDouble(cells[header.indexOf("dist")]);
            y[i] = Double.parseDouble(cells[header.indexOf("switched")]);
        }
        VariationalPosterior local = GeneralizedLinearModel.of(
                        GlmFamily.LOGISTIC, List.of("arsenic", "dist"), x, y, true, Map.of())
                .fit(ViConfig.builder().build());

        assertThat(spark.get("records").asLong()).isEqualTo(n);
        assertThat(spark.get("method").asText()).startsWith("deterministic");
        assertThat(spark.get("reliable").asBoolean()).isEqualTo(local.reliable());
        // A deterministic fit whose mode search evaluates its eight runs' points in batches: about
        // 30 jobs for the whole command (118 for the fit alone when each point was a job), not one
        // per stochastic iteration. The header and the moments take one job each.
        assertThat(spark.get("spark_jobs").asLong()).isBetween(10L, 30L);
        assertThat(jobs.started).isEqualTo(spark.get("spark_jobs").asInt() + 2);
        for (String name : List.of("intercept", "arsenic", "dist")) {
            ParameterSummary expected = local.summary(name).get(0);
            JsonNode actual = spark.get("parameters").get(name);
            assertThat(actual.get("mean").asDouble())
                    .as(name + " mean")
                    .isCloseTo(expected.mean(), within(0.1 * expected.sd()));
            assertThat(actual.get("sd").asDouble())
                    .as(name + " sd")
                    .isCloseTo(expected.sd(), within(0.1 * expected.sd()));
        }
    }

    @Test
    void aBadCellInTheCsvIsNamedWithItsColumnAndRow(@TempDir Path dir) throws IOException {
        Path csv = dir.resolve("bad.csv");
        Files.writeString(csv, "y,a,b\n1,0.5,2\n0,oops,3\n1,0.1,1\n");
        assertThatThrownBy(() -> SparkVi.execute(
                        SparkTestSession.get(),
                        new String[] {"logistic", "--data", csv.toString(), "--y", "y", "--x", "a,b"}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(csv + ": column 'a': 'oops' is not a number (row '0,oops,3')");
        assertThatThrownBy(() -> SparkVi.execute(
                        SparkTestSession.get(),
                        new String[] {"logistic", "--data", csv.toString(), "--y", "y", "--x", "a,c"}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(csv + ": no column named 'c'; columns are y, a, b");
    }

    /**
     * Counts the Spark jobs that a piece of code starts: the listener sees the jobs of its own job
     * group, and a marker job run afterwards says when the listener bus has delivered them all.
     */
    private static final class JobCounter extends SparkListener {

        private static final String GROUP = "spark-vi-test";
        private volatile int started;
        private volatile boolean markerSeen;

        @Override
        public void onJobStart(SparkListenerJobStart start) {
            java.util.Properties properties = start.properties();
            if (properties != null && GROUP.equals(properties.getProperty("spark.jobGroup.id"))) {
                if ("marker".equals(properties.getProperty("spark.job.description"))) {
                    markerSeen = true;
                } else {
                    started++;
                }
            }
        }

        String count(Callable<String> body) throws Exception {
            SparkContext context = SparkTestSession.get().sparkContext();
            context.addSparkListener(this);
            context.setJobGroup(GROUP, "counted", false);
            try {
                String result = body.call();
                context.setJobDescription("marker");
                JavaSparkContext.fromSparkContext(context)
                        .parallelize(List.of(1))
                        .count();
                for (int wait = 0; !markerSeen && wait < 1000; wait++) {
                    Thread.sleep(10);
                }
                assertThat(markerSeen)
                        .as("the listener bus delivered the marker job")
                        .isTrue();
                return result;
            } finally {
                context.clearJobGroup();
                context.removeSparkListener(this);
            }
        }
    }

    /** {@code shared/data/posteriordb/wells.csv} in an ancestor of the working directory, or null. */
    private static Path wellsCsv() {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path candidate = dir.resolve("shared/data/posteriordb/wells.csv");
            if (Files.isRegularFile(candidate)) {
                return candidate;
            }
        }
        return null;
    }
}
