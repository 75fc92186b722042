package io.github.elbo4j.spark;

import io.github.elbo4j.vi.ParameterSummary;
import io.github.elbo4j.vi.VariationalPosterior;
import io.github.elbo4j.vi.glm.GeneralizedLinearModel;
import io.github.elbo4j.vi.glm.GlmFamily;
import io.github.elbo4j.vi.glm.RegressionPrior;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.ml.Model;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * A regression fitted by {@link GaussianViEstimator}: the {@link VariationalPosterior} (marginal
 * summaries, draws, ELBO, evidence estimate, PSIS k̂) and a transformer that appends
 * {@code prediction}, the plug-in mean response at the posterior means of the coefficients:
 * η̂ = α̂ + Σ_j β̂_j x_j for linear, logit⁻¹(η̂) for logistic, exp(η̂) for Poisson regression.
 *
 * <p>The posterior lives on the driver and is not written by Spark's persistence; save
 * {@link #summaryJson()} where you need a record of it.
 */
public final class GaussianViModel extends Model<GaussianViModel> {

    private static final long serialVersionUID = 1L;

    /** Name of the appended column. */
    public static final String PREDICTION = "prediction";

    private final String uid;
    private final transient VariationalPosterior posterior;
    private final GlmFamily family;
    private final List<String> columns;
    private final boolean intercept;
    private final Map<String, RegressionPrior> priors;
    private final long records;
    private final long sparkJobs;
    private final Param<String> featuresCol;

    GaussianViModel(
            String uid,
            VariationalPosterior posterior,
            GlmFamily family,
            List<String> columns,
            boolean intercept,
            Map<String, RegressionPrior> priors,
            long records,
            long sparkJobs) {
        this.uid = uid;
        this.posterior = posterior;
        this.family = family;
        this.columns = List.copyOf(columns);
        this.intercept = intercept;
        this.priors = new LinkedHashMap<>(priors);
        this.records = records;
        this.sparkJobs = sparkJobs;
        featuresCol = new Param<>(this, "featuresCol", "predictors: a vector or numeric array column");
        setDefault(featuresCol, "features");
    }

    @Override
    public String uid() {
        return uid;
    }

    /** The predictors column that {@link #transform} reads: a vector or numeric array column (default {@code "features"}, or the estimator's). */
    public Param<String> featuresCol() {
        return featuresCol;
    }

    /** Sets {@link #featuresCol()}: the predictors column to predict from. */
    public GaussianViModel setFeaturesCol(String value) {
        set(featuresCol, value);
        return this;
    }

    /** The fitted posterior, exactly what {@code GaussianVi.fit} returns on one machine. */
    public VariationalPosterior posterior() {
        return posterior;
    }

    /** The response distribution. */
    public GlmFamily family() {
        return family;
    }

    /** The prior of every parameter (defaults resolved from the data). */
    public Map<String, RegressionPrior> priors() {
        return Map.copyOf(priors);
    }

    /** Records the likelihood summed over. */
    public long records() {
        return records;
    }

    /** Spark jobs the fit ran (one per evaluation of the log likelihood or of the exact expectation). */
    public long sparkJobs() {
        return sparkJobs;
    }

    /** Posterior mean of a scalar parameter (a column name, {@code intercept} or {@code sigma}). */
    public double mean(String name) {
        return posterior.summary(name).get(0).mean();
    }

    /** The summary as one JSON object, with the keys of {@code elbo4j vi --json}. */
    public String summaryJson() {
        var root = io.github.elbo4j.vae.run.RunDirectory.JSON.createObjectNode();
        root.put("reliable", posterior.reliable());
        posterior.reliabilityReasons().forEach(root.putArray("reasons")::add);
        var parameters = root.putObject("parameters");
        for (Map.Entry<String, List<ParameterSummary>> e : posterior.summaries().entrySet()) {
            ParameterSummary s = e.getValue().get(0);
            parameters
                    .putObject(e.getKey())
                    .put("mean", s.mean())
                    .put("sd", s.sd())
                    .put("q5", s.q5())
                    .put("q50", s.q50())
                    .put("q95", s.q95())
                    .put("prior", String.valueOf(priors.get(e.getKey())));
        }
        root.put("family", family.cliName());
        root.put("records", records);
        root.put("elbo", posterior.elbo());
        root.put("log_evidence", posterior.logEvidence().logEvidence());
        root.put("khat", posterior.khat());
        root.put("khat_reading", posterior.khatReading().toString());
        root.put("iterations", posterior.provenance().iterations());
        root.put("converged", posterior.provenance().converged());
        root.put("seconds", posterior.provenance().seconds());
        root.put("method", posterior.provenance().method());
        root.put("spark_jobs", sparkJobs);
        return root.toPrettyString();
    }

    static StructType outputSchema(StructType schema) {
        if (Arrays.asList(schema.fieldNames()).contains(PREDICTION)) {
            throw new IllegalArgumentException(
                    "output column 'prediction' already exists in the input; drop or" + " rename it first");
        }
        return schema.add(PREDICTION, DataTypes.DoubleType, true);
    }

    @Override
    public StructType transformSchema(StructType schema) {
        InputVectors.check(schema, getOrDefault(featuresCol));
        return outputSchema(schema);
    }

    @Override
    public Dataset<Row> transform(Dataset<?> dataset) {
        transformSchema(dataset.schema(), true);
        String column = getOrDefault(featuresCol);
        Column x = dataset.schema().apply(column).dataType() instanceof org.apache.spark.sql.types.ArrayType
                ? functions.col(column).cast("array<double>")
                : org.apache.spark.ml.functions.vector_to_array(functions.col(column), "float64");
        Column eta = functions.lit(intercept ? mean(GeneralizedLinearModel.INTERCEPT) : 0.0);
        for (int j = 0; j < columns.size(); j++) {
            eta = eta.plus(x.getItem(j).multiply(mean(columns.get(j))));
        }
        Column prediction = switch (family) {
            case LINEAR -> eta;
            case LOGISTIC -> functions.lit(1.0).divide(functions.lit(1.0).plus(functions.exp(eta.multiply(-1.0))));
            case POISSON -> functions.exp(eta);
        };
        return dataset.toDF().withColumn(PREDICTION, prediction);
    }

    @Override
    public GaussianViModel copy(ParamMap extra) {
        GaussianViModel copy =
                new GaussianViModel(uid, posterior, family, columns, intercept, priors, records, sparkJobs);
        return copyValues(copy, extra).setParent(parent());
    }
}
