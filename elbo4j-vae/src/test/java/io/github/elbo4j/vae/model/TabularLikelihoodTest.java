package io.github.elbo4j.vae.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.github.elbo4j.data.ColumnType;
import io.github.elbo4j.data.DataException;
import io.github.elbo4j.data.TabularSchema;
import io.github.elbo4j.vae.run.RunDirectory;
import io.github.elbo4j.vae.run.RunManifest;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TabularLikelihoodTest {

    /** Two numeric columns, one binary, then groups of 3 and 2 categories: 2 + 1 + 3 + 2 = 8 features. */
    private static final TabularLayout LAYOUT = new TabularLayout(2, 1, new int[] {3, 2});

    private static final float[] LOG_SCALE = {-0.5f, 0.3f};
    /** Decoder output for 2 particles × 2 records. */
    private static final float[][][] OUT = {
        {{0.1f, -1.2f, 2.0f, 0.5f, -0.3f, 1.1f, 4.0f, -4.0f}, {1.5f, 0.2f, -3.0f, -2.0f, 0.0f, 2.0f, 0.0f, 0.0f}},
        {{-0.7f, 0.9f, 0.0f, 10.0f, -10.0f, 0.0f, 1.0f, 1.5f}, {0.0f, 0.0f, 1.0f, 0.0f, 0.0f, 0.0f, -2.0f, 3.0f}},
    };
    /** Two encoded records: standardized numbers, a 0/1 flag, one-hot groups. */
    private static final float[][] X = {
        {0.3f, -1.0f, 1f, 0f, 0f, 1f, 1f, 0f},
        {-2.0f, 0.5f, 0f, 1f, 0f, 0f, 0f, 1f},
    };

    /** log p computed column group by column group, in double precision, straight from the definitions. */
    private static double direct(float[] out, float[] x) {
        double total = 0;
        for (int j = 0; j < 2; j++) {
            double sigma = Math.exp(LOG_SCALE[j]);
            double r = (x[j] - out[j]) / sigma;
            total += -0.5 * r * r - Math.log(sigma) - 0.5 * Math.log(2 * Math.PI);
        }
        double p = 1 / (1 + Math.exp(-out[2]));
        total += x[2] == 1 ? Math.log(p) : Math.log(1 - p);
        int from = 3;
        for (int k : new int[] {3, 2}) {
            double norm = 0;
            for (int c = 0; c < k; c++) {
                norm += Math.exp(out[from + c]);
            }
            for (int c = 0; c < k; c++) {
                total += x[from + c] * (out[from + c] - Math.log(norm));
            }
            from += k;
        }
        return total;
    }

    private static float[] flat(float[][][] a) {
        float[] f = new float[2 * 2 * 8];
        for (int k = 0; k < 2; k++) {
            for (int b = 0; b < 2; b++) {
                System.arraycopy(a[k][b], 0, f, (k * 2 + b) * 8, 8);
            }
        }
        return f;
    }

    @Test
    void logProbIsTheSumOfTheColumnGroupsTerms() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray out = m.create(flat(OUT), new Shape(2, 2, 8));
            NDArray x = m.create(
                    new float[] {
                        X[0][0], X[0][1], X[0][2], X[0][3], X[0][4], X[0][5], X[0][6], X[0][7],
                        X[1][0], X[1][1], X[1][2], X[1][3], X[1][4], X[1][5], X[1][6], X[1][7]
                    },
                    new Shape(2, 8));
            TabularLikelihood likelihood = new TabularLikelihood(out, m.create(LOG_SCALE), LAYOUT);
            NDArray logProb = likelihood.logProb(x);
            assertThat(logProb.getShape()).isEqualTo(new Shape(2, 2));
            float[] got = logProb.toFloatArray();
            for (int k = 0; k < 2; k++) {
                for (int b = 0; b < 2; b++) {
                    assertThat((double) got[k * 2 + b])
                            .as("particle %d, record %d", k, b)
                            .isCloseTo(direct(OUT[k][b], X[b]), within(1e-4));
                }
            }
        }
    }

    @Test
    void meanHoldsNumericMeansBinaryProbabilitiesAndGroupProbabilities() {
        try (NDManager m = NDManager.newBaseManager()) {
            float[] row = OUT[0][0];
            NDArray out = m.create(row, new Shape(1, 8));
            float[] mean = new TabularLikelihood(out, m.create(LOG_SCALE), LAYOUT)
                    .mean()
                    .toFloatArray();
            assertThat(mean[0]).isEqualTo(row[0]);
            assertThat(mean[1]).isEqualTo(row[1]);
            assertThat((double) mean[2]).isCloseTo(1 / (1 + Math.exp(-row[2])), within(1e-6));
            assertThat((double) (mean[3] + mean[4] + mean[5])).isCloseTo(1, within(1e-6));
            assertThat((double) mean[3])
                    .isCloseTo(
                            Math.exp(row[3]) / (Math.exp(row[3]) + Math.exp(row[4]) + Math.exp(row[5])), within(1e-6));
            assertThat((double) (mean[6] + mean[7])).isCloseTo(1, within(1e-6));
        }
    }

    @Test
    void samplesHaveTheLayoutOfARecord() {
        try (NDManager m = NDManager.newBaseManager()) {
            m.getEngine().setRandomSeed(3);
            NDArray out = m.create(OUT[0][0], new Shape(1, 8));
            float[] draws = new TabularLikelihood(out, m.create(LOG_SCALE), LAYOUT)
                    .sample(m, 50)
                    .toFloatArray();
            assertThat(draws).hasSize(50 * 8);
            for (int n = 0; n < 50; n++) {
                int o = n * 8;
                assertThat(draws[o + 2]).as("binary draw").isIn(0f, 1f);
                assertThat(draws[o + 3] + draws[o + 4] + draws[o + 5])
                        .as("one-hot group of 3")
                        .isEqualTo(1f);
                assertThat(draws[o + 6] + draws[o + 7]).as("one-hot group of 2").isEqualTo(1f);
                // logits 4 and −4: the first category has probability 0.9997.
                assertThat(draws[o + 6]).isEqualTo(1f);
            }
        }
    }

    @Test
    void aCategoricalOnlyLayoutNeedsNoScales() {
        TabularLayout groups = new TabularLayout(0, 0, new int[] {2, 3});
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray out = m.create(new float[] {0f, 1f, 2f, 0f, -1f}, new Shape(1, 5));
            NDArray x = m.create(new float[] {0f, 1f, 1f, 0f, 0f}, new Shape(1, 5));
            double expected = (1 - Math.log(1 + Math.E)) + (2 - Math.log(Math.exp(2) + 1 + Math.exp(-1)));
            assertThat((double)
                            new TabularLikelihood(out, null, groups).logProb(x).getFloat(0))
                    .isCloseTo(expected, within(1e-5));
        }
    }

    @Test
    void configurationsAreValidatedWithMessagesThatSayWhatToDo() {
        assertThatThrownBy(() -> VaeConfig.builder()
                        .inputShape(3)
                        .likelihood(Likelihood.TABULAR)
                        .build())
                .hasMessageContaining("needs the column layout");
        assertThatThrownBy(() -> VaeConfig.builder()
                        .inputShape(8)
                        .likelihood(Likelihood.CATEGORICAL)
                        .tabular(LAYOUT)
                        .build())
                .hasMessageContaining("every column categorical")
                .hasMessageContaining("use likelihood tabular");
        assertThatThrownBy(() -> VaeConfig.builder()
                        .inputShape(9)
                        .likelihood(Likelihood.TABULAR)
                        .tabular(LAYOUT)
                        .build())
                .hasMessageContaining("8 features");
        assertThatThrownBy(() -> VaeConfig.builder()
                        .inputShape(8)
                        .likelihood(Likelihood.TABULAR)
                        .tabular(LAYOUT)
                        .vampPrior(10)
                        .build())
                .hasMessageContaining("use prior normal");
        VaeConfig config = VaeConfig.builder()
                .inputShape(8)
                .hidden(4)
                .latent(2)
                .likelihood(Likelihood.TABULAR)
                .tabular(LAYOUT)
                .gaussianScale(1)
                .build();
        assertThat(config.learnedScales()).isEqualTo(2);
        List<String> names = VaeModel.layoutOf(config).entries().stream()
                .map(ParameterLayout.Entry::name)
                .toList();
        assertThat(names).endsWith("decoder.out.weight", "decoder.out.bias", "decoder.log_scale");
        // Another likelihood drops a layout it does not use.
        assertThat(VaeConfig.builder().inputShape(8).tabular(LAYOUT).build().tabular())
                .isNull();
    }

    @Test
    void modelJsonAndSchemaJsonRoundTrip(@TempDir Path dir) {
        TabularSchema schema = new TabularSchema(List.of(
                new TabularSchema.Column("a", ColumnType.NUMERIC, 3.5, 2.0, List.of()),
                new TabularSchema.Column("id", ColumnType.IGNORE, 0, 1, List.of()),
                new TabularSchema.Column("b", ColumnType.NUMERIC, -1, 0.5, List.of()),
                new TabularSchema.Column("flag", ColumnType.BINARY, 0, 1, List.of("no", "yes")),
                new TabularSchema.Column("c", ColumnType.CATEGORICAL, 0, 1, List.of("x", "y", "z")),
                new TabularSchema.Column("d", ColumnType.CATEGORICAL, 0, 1, List.of("1", "2"))));
        assertThat(TabularLayout.of(schema)).isEqualTo(LAYOUT);
        VaeConfig config = VaeConfig.builder()
                .inputShape(8)
                .hidden(4)
                .latent(2)
                .likelihood(Likelihood.TABULAR)
                .tabular(LAYOUT)
                .gaussianScale(1)
                .build();
        RunDirectory run = RunDirectory.create(dir.resolve("run"), RunManifest.empty(), config, schema);
        assertThat(run.readModelConfig()).isEqualTo(config);
        assertThat(run.readSchema()).isEqualTo(schema);

        VaeConfig other = VaeConfig.builder()
                .inputShape(7)
                .hidden(4)
                .latent(2)
                .likelihood(Likelihood.TABULAR)
                .tabular(new TabularLayout(2, 0, new int[] {3, 2}))
                .build();
        RunDirectory mismatched = RunDirectory.create(dir.resolve("mismatched"), RunManifest.empty(), other, schema);
        assertThatThrownBy(mismatched::readSchema)
                .isInstanceOf(DataException.class)
                .hasMessageContaining("schema.json")
                .hasMessageContaining("model.json describes");
    }
}
