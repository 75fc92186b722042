package io.github.elbo4j.spark;

import static org.assertj.core.api.Assertions.assertThat;
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
import org.junit.jupiter.api.Test;

/**
 * {@code SparkVi} on a real posterior, Gelman and Hill's arsenic wells (3,020 records), against the
 * single-machine fit that {@code elbo4j vi logistic} runs with the same defaults.
 */
class SparkViTest {

    @Test
    void wellsLogisticRegressionMatchesTheSingleMachineFit() throws IOException {
        Path wells = wellsCsv();
        assumeTrue(wells != null, "shared/data/posteriordb/wells.csv not present beside the repository; skipped");
        JsonNode spark = new ObjectMapper().readTree(SparkVi.execute(SparkTestSession.get(), new String[] {
            "logistic", "--data", wells.toString(), "--y", "switched", "--x", "arsenic,dist"
        }));

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
        // A deterministic fit: tens of likelihood jobs, not one per stochastic iteration.
        assertThat(spark.get("spark_jobs").asLong()).isLessThan(200);
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
