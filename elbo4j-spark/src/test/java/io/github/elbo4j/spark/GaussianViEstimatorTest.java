package io.github.elbo4j.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.github.elbo4j.vi.ParameterSummary;
import io.github.elbo4j.vi.VariationalPosterior;
import io.github.elbo4j.vi.glm.GeneralizedLinearModel;
import io.github.elbo4j.vi.glm.GlmFamily;
import io.github.elbo4j.vi.glm.GlmLayout;
import io.github.elbo4j.vi.glm.RegressionPrior;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

class GaussianViEstimatorTest {

    /** Generated regression data: x ~ N(0, 1)², η = 0.5 + 1.2 x1 − 0.8 x2. */
    record Data(double[][] x, double[] y, Dataset<Row> frame) {}

    static Data generate(GlmFamily family, int n, long seed, int partitions) {
        SplittableRandom random = new SplittableRandom(seed);
        double[][] x = new double[n][2];
        double[] y = new double[n];
        for (int i = 0; i < n; i++) {
            x[i][0] = random.nextGaussian();
            x[i][1] = random.nextGaussian();
            double eta = 0.5 + 1.2 * x[i][0] - 0.8 * x[i][1];
            y[i] = switch (family) {
                case LINEAR -> eta + 0.7 * random.nextGaussian();
                case LOGISTIC -> random.nextDouble() < 1 / (1 + Math.exp(-eta)) ? 1 : 0;
                case POISSON -> poisson(Math.exp(0.3 * eta), random);
            };
        }
        return of(x, y, partitions);
    }

    static Data of(double[][] x, double[] y, int partitions) {
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < y.length; i++) {
            rows.add(RowFactory.create(Vectors.dense(x[i]), y[i]));
        }
        StructType schema = new StructType()
                .add("features", SQLDataTypes.VectorType(), false)
                .add("label", DataTypes.DoubleType, false);
        JavaSparkContext jsc =
                JavaSparkContext.fromSparkContext(SparkTestSession.get().sparkContext());
        return new Data(x, y, SparkTestSession.get().createDataFrame(jsc.parallelize(rows, partitions), schema));
    }

    private static double poisson(double rate, SplittableRandom random) {
        double limit = Math.exp(-rate);
        double product = random.nextDouble();
        int k = 0;
        while (product > limit) {
            product *= random.nextDouble();
            k++;
        }
        return k;
    }

    @Test
    void logisticRegressionMatchesTheSingleMachineFit() {
        Data data = generate(GlmFamily.LOGISTIC, 3000, 7, 2);
        GaussianViEstimator estimator = new GaussianViEstimator()
                .setFamily("logistic")
                .setLearningRate(0.1)
                .setMaxIterations(300)
                .setNumDraws(200)
                .setSeed(3);
        GaussianViModel spark = estimator.fit(data.frame());
        VariationalPosterior local = GeneralizedLinearModel.of(
                        GlmFamily.LOGISTIC, List.of("x1", "x2"), data.x(), data.y(), true, Map.of())
                .fit(estimator.viConfig());
        for (String name : List.of("intercept", "x1", "x2")) {
            ParameterSummary expected = local.summary(name).get(0);
            ParameterSummary actual = spark.posterior().summary(name).get(0);
            assertThat(actual.mean()).as(name).isCloseTo(expected.mean(), within(0.05 * expected.sd()));
            assertThat(actual.sd()).as(name).isCloseTo(expected.sd(), within(0.05 * expected.sd()));
        }
        assertThat(spark.mean("x1")).isCloseTo(1.2, within(0.25));
        assertThat(spark.records()).isEqualTo(3000);
        assertThat(spark.summaryJson()).contains("\"khat\"");
        double p = spark.transform(data.frame()).first().getAs("prediction");
        assertThat(p).isBetween(0.0, 1.0);
    }

    /**
     * Predictors far from zero and correlated (means 1,000 and 50, sds 0.5 and 10, ρ ≈ 0.7): the
     * Spark fit runs over the same QR-preconditioned coordinates as the single-machine one (the
     * preconditioner from the distributed moments) and matches it, reliable, where a mean-field fit
     * over the raw coefficients would miss their correlation.
     */
    @Test
    void badlyScaledLinearRegressionMatchesTheSingleMachineFit() {
        SplittableRandom random = new SplittableRandom(11);
        int n = 2000;
        double[][] x = new double[n][2];
        double[] y = new double[n];
        for (int i = 0; i < n; i++) {
            x[i][1] = 50 + 10 * random.nextGaussian();
            x[i][0] = 1000 + 0.035 * (x[i][1] - 50) + 0.35 * random.nextGaussian();
            y[i] = 3 + 0.8 * x[i][0] + 0.5 * x[i][1] + 2 * random.nextGaussian();
        }
        Data data = of(x, y, 3);
        GaussianViEstimator estimator = new GaussianViEstimator()
                .setFamily("linear")
                .setGuideFamily("mean-field")
                .setNumDraws(200)
                .setSeed(5);
        GaussianViModel spark = estimator.fit(data.frame());
        VariationalPosterior local = GeneralizedLinearModel.of(
                        GlmFamily.LINEAR, List.of("x1", "x2"), x, y, true, Map.of())
                .fit(estimator.viConfig());
        assertThat(spark.posterior().reliable())
                .as(spark.posterior().reliabilityReasons().toString())
                .isTrue();
        for (String name : List.of("intercept", "x1", "x2", "sigma")) {
            ParameterSummary expected = local.summary(name).get(0);
            ParameterSummary actual = spark.posterior().summary(name).get(0);
            assertThat(actual.mean()).as(name).isCloseTo(expected.mean(), within(0.05 * expected.sd()));
            assertThat(actual.sd()).as(name).isCloseTo(expected.sd(), within(0.05 * expected.sd()));
        }
    }

    @Test
    void subsampledPoissonRegressionMatchesTheSingleMachineFitOnTheSameRecordDraws() {
        Data data = generate(GlmFamily.POISSON, 2000, 8, 2);
        GaussianViEstimator estimator = new GaussianViEstimator()
                .setFamily("poisson")
                .setLearningRate(0.1)
                .setMaxIterations(300)
                .setNumDraws(100)
                .setBatchSize(100)
                .setSeed(4);
        GaussianViModel spark = estimator.fit(data.frame());
        VariationalPosterior local = GeneralizedLinearModel.of(
                        GlmFamily.POISSON, List.of("x1", "x2"), data.x(), data.y(), true, Map.of())
                .fit(estimator.viConfig());
        for (String name : List.of("intercept", "x1", "x2")) {
            ParameterSummary expected = local.summary(name).get(0);
            ParameterSummary actual = spark.posterior().summary(name).get(0);
            assertThat(actual.mean()).as(name).isCloseTo(expected.mean(), within(0.05 * expected.sd()));
        }
        assertThat(spark.mean("x1")).isCloseTo(0.36, within(0.1));
    }

    @Test
    void defaultPriorsAreThoseOfTheSingleMachineModel() {
        Data data = generate(GlmFamily.LINEAR, 500, 9, 3);
        JavaSparkContext jsc =
                JavaSparkContext.fromSparkContext(SparkTestSession.get().sparkContext());
        var shards = data.frame()
                .javaRDD()
                .mapPartitionsWithIndex(
                        (Integer i, java.util.Iterator<Row> it) -> List.of(
                                        GlmShard.pack(i, it, "features", "label", 2, GlmFamily.LINEAR))
                                .iterator(),
                        true);
        Map<String, RegressionPrior> distributed =
                DataMoments.of(shards, 2).defaultPriors(GlmFamily.LINEAR, List.of("x1", "x2"), true, Map.of());
        Map<String, RegressionPrior> local = GeneralizedLinearModel.of(
                        GlmFamily.LINEAR, List.of("x1", "x2"), data.x(), data.y(), true, Map.of())
                .priors();
        assertThat(distributed.keySet()).containsExactly("intercept", "x1", "x2", "sigma");
        for (String name : distributed.keySet()) {
            assertThat(distributed.get(name).toString())
                    .as(name)
                    .isEqualTo(local.get(name).toString());
        }
        assertThat(jsc).isNotNull();
    }

    @Test
    void likelihoodAndGradientOfAShardMatchFiniteDifferences() {
        Data data = generate(GlmFamily.LINEAR, 50, 4, 1);
        GlmShard shard =
                GlmShard.pack(0, data.frame().collectAsList().iterator(), "features", "label", 2, GlmFamily.LINEAR);
        for (GlmFamily family : GlmFamily.values()) {
            GlmShard s = family == GlmFamily.LINEAR
                    ? shard
                    : new GlmShard(
                            0,
                            shard.rows(),
                            2,
                            shard.x(),
                            roundedResponses(shard.y(), family),
                            family == GlmFamily.POISSON ? logFactorials(shard.y()) : null,
                            null);
            double[] theta = {0.3, 0.9, -0.4, 1.1};
            GlmLayout layout = GlmLayout.of(family, 2, true);
            int q = layout.parameters();
            double[] result = s.logLikelihood(family, layout, theta, 1, true, null);
            for (int k = 0; k < q; k++) {
                double[] plus = theta.clone();
                double[] minus = theta.clone();
                plus[k] += 1e-6;
                minus[k] -= 1e-6;
                double numeric = (s.logLikelihood(family, layout, plus, 1, false, null)[0]
                                - s.logLikelihood(family, layout, minus, 1, false, null)[0])
                        / 2e-6;
                assertThat(result[1 + k])
                        .as(family + " d/dθ" + k)
                        .isCloseTo(numeric, within(1e-4 * (1 + Math.abs(numeric))));
            }
        }
    }

    private static double[] roundedResponses(double[] y, GlmFamily family) {
        double[] r = new double[y.length];
        for (int i = 0; i < y.length; i++) {
            r[i] = family == GlmFamily.LOGISTIC ? (y[i] > 0.5 ? 1 : 0) : Math.max(0, Math.rint(y[i] + 1));
        }
        return r;
    }

    private static double[] logFactorials(double[] y) {
        double[] rounded = roundedResponses(y, GlmFamily.POISSON);
        double[] r = new double[y.length];
        for (int i = 0; i < y.length; i++) {
            r[i] = io.github.elbo4j.math.SpecialFunctions.logGamma(rounded[i] + 1);
        }
        return r;
    }

    @Test
    void badInputGivesOneLineMessages() {
        Data data = generate(GlmFamily.LINEAR, 20, 1, 2);
        assertThatThrownBy(() -> new GaussianViEstimator().setLabelCol("y").fit(data.frame()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("column 'y' not found; the columns are [features, label]");
        assertThatThrownBy(() -> new GaussianViEstimator().setFeatureNames("a").fit(data.frame()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("featureNames has 1 names but the rows of 'features' have 2 predictors");
        assertThatThrownBy(() ->
                        new GaussianViEstimator().setPriors("gamma=normal(0,1)").fit(data.frame()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("prior for unknown parameter 'gamma'; parameters are beta, intercept, x1, x2, sigma");
        assertThatThrownBy(() -> new GaussianViEstimator()
                        .setFamily("logistic")
                        .setMaxIterations(5)
                        .fit(data.frame()))
                .hasStackTraceContaining("label column 'label': response");
    }
}
