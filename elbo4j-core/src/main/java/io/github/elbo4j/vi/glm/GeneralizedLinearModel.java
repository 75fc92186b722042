package io.github.elbo4j.vi.glm;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import io.github.elbo4j.math.LinearAlgebra;
import io.github.elbo4j.math.SpecialFunctions;
import io.github.elbo4j.vi.Constraint;
import io.github.elbo4j.vi.DataArray;
import io.github.elbo4j.vi.GaussianExpectation;
import io.github.elbo4j.vi.GaussianVi;
import io.github.elbo4j.vi.ParameterBlock;
import io.github.elbo4j.vi.ParameterValues;
import io.github.elbo4j.vi.UnconstrainedDensity;
import io.github.elbo4j.vi.VariationalPosterior;
import io.github.elbo4j.vi.ViConfig;
import io.github.elbo4j.vi.ViListener;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;

/**
 * Bayesian linear, logistic and Poisson regression with a linear predictor {@code η = α + Σ_j β_j
 * x_j}, one scalar parameter block per coefficient (named after its column), {@code intercept} for
 * α, and {@code sigma} for the residual scale of the linear model.
 *
 * <pre>
 *   linear     log p(y | η, σ) = −½ ((y − η)/σ)² − log σ − ½ log 2π
 *   logistic   log p(y | η)    = y η − softplus(η)
 *   poisson    log p(y | η)    = y η − exp(η) − log y!
 * </pre>
 *
 * <p>Default priors (weakly informative and scaled to the data, as rstanarm's autoscaled defaults;
 * Gelman et al., "A weakly informative default prior distribution for logistic and other regression
 * models", Ann. Appl. Stat. 2, 2008): coefficient j ~ normal(0, 2.5 s_y / s_j) for the linear model
 * and normal(0, 2.5 / s_j) otherwise, where s_j is the sample standard deviation of column j and
 * s_y that of y; intercept ~ normal(ȳ, 10 s_y) for the linear model and normal(0, 10) otherwise;
 * sigma ~ exponential(1 / s_y). Override any of them by name: {@code beta} (every coefficient), a
 * column name, {@code intercept} or {@code sigma}. Every prior applies to the coefficients on the
 * original scale, and the intercept's (the default or one given) to the centred intercept {@code α
 * + Σ_j x̄_j β_j}, the expected linear predictor at the predictors' means, as rstanarm's {@code
 * prior_intercept} does: a prior centred on ȳ is then right wherever the predictors sit, where on
 * the raw intercept (the value at x = 0) it would pull the fit when x̄ is far from zero
 * (docs/vi-regressions.md). The reported {@code intercept} stays the raw α.
 *
 * <p>Fit it with {@link #fit(ViConfig, Preconditioning, ViListener)}, which runs {@link GaussianVi}
 * over centred, scaled and decorrelated coordinates ({@link Preconditioning}) and reports the same
 * posterior on the original scale. {@code GaussianVi.fit(model, config)} fits the raw coefficients,
 * where a mean-field guide cannot represent their correlations and badly scaled predictors slow the
 * optimizer.
 */
public final class GeneralizedLinearModel implements RegressionModel {

    /** The name of the intercept block. */
    public static final String INTERCEPT = "intercept";
    /** The name of the residual-scale block of the linear model. */
    public static final String SIGMA = "sigma";
    /** The prior key that sets every coefficient's prior. */
    public static final String ALL_COEFFICIENTS = "beta";

    private static final String PREDICTORS = "glm.x";
    private static final String RESPONSE = "glm.y";
    private static final String LOG_FACTORIAL = "glm.log_factorial_y";

    private final GlmFamily family;
    private final List<String> columns;
    private final boolean intercept;
    private final int rows;
    private final Map<String, RegressionPrior> priors;
    /** x̄: the intercept's prior applies to α + Σ_j x̄_j β_j. */
    private final double[] interceptPriorCentre;

    private final List<ParameterBlock> blocks;
    private final List<DataArray> data;
    private final GlmLayout layout;
    /** The data again in plain doubles, for the closed-form gradient. */
    private final double[] predictorValues;

    private final double[] responses;
    private final double[] logFactorials;
    /** For the linear model with an intercept: the full-data likelihood in O(p²); else null. */
    private final LinearSufficientStatistics sufficientStatistics;

    private GeneralizedLinearModel(
            GlmFamily family,
            List<String> columns,
            double[][] x,
            double[] y,
            boolean intercept,
            Map<String, RegressionPrior> overrides) {
        this.family = Objects.requireNonNull(family, "family");
        this.columns = List.copyOf(columns);
        this.intercept = intercept;
        this.rows = y.length;
        if (rows == 0) {
            throw new IllegalArgumentException("a regression needs at least one record");
        }
        if (x.length != rows) {
            throw new IllegalArgumentException(x.length + " predictor rows but " + rows + " responses");
        }
        if (columns.isEmpty() && !intercept) {
            throw new IllegalArgumentException("a regression without an intercept needs at least one predictor");
        }
        double[] flat = new double[rows * columns.size()];
        double[] logFactorials = new double[rows];
        for (int i = 0; i < rows; i++) {
            if (x[i].length != columns.size()) {
                throw new IllegalArgumentException(
                        "record " + i + " has " + x[i].length + " predictors, expected " + columns.size());
            }
            for (int j = 0; j < columns.size(); j++) {
                if (!Double.isFinite(x[i][j])) {
                    throw new IllegalArgumentException(
                            "record " + i + ": predictor " + columns.get(j) + " is " + x[i][j]);
                }
                flat[i * columns.size() + j] = x[i][j];
            }
            String problem = family.responseProblem(y[i]);
            if (problem != null) {
                throw new IllegalArgumentException("record " + i + ": " + problem);
            }
            if (family == GlmFamily.POISSON) {
                logFactorials[i] = SpecialFunctions.logGamma(y[i] + 1);
            }
        }
        this.layout = GlmLayout.of(family, columns.size(), intercept);
        this.predictorValues = flat;
        this.responses = y.clone();
        this.logFactorials = logFactorials;
        this.sufficientStatistics =
                family == GlmFamily.LINEAR && intercept ? new LinearSufficientStatistics(layout, flat, y) : null;
        this.blocks = blocks(family, this.columns, intercept);
        this.priors = resolvePriors(x, y, overrides);
        this.interceptPriorCentre = new double[intercept ? columns.size() : 0];
        for (int j = 0; j < interceptPriorCentre.length; j++) {
            for (int i = 0; i < rows; i++) {
                interceptPriorCentre[j] += x[i][j] / rows;
            }
        }
        this.data = family == GlmFamily.POISSON
                ? List.of(
                        predictors(flat), DataArray.vector(RESPONSE, y), DataArray.vector(LOG_FACTORIAL, logFactorials))
                : List.of(predictors(flat), DataArray.vector(RESPONSE, y));
    }

    /**
     * Creates a regression.
     *
     * @param family the response distribution
     * @param columns predictor names, one per column of {@code x}
     * @param x predictors, {@code [n][p]}
     * @param y responses, {@code [n]}
     * @param intercept whether to include α
     * @param priors overrides by name ({@code beta}, a column, {@code intercept}, {@code sigma})
     * @return the model
     * @throws IllegalArgumentException on invalid data, clashing names or unsuitable priors
     */
    public static GeneralizedLinearModel of(
            GlmFamily family,
            List<String> columns,
            double[][] x,
            double[] y,
            boolean intercept,
            Map<String, RegressionPrior> priors) {
        return new GeneralizedLinearModel(family, columns, x, y, intercept, priors);
    }

    private DataArray predictors(double[] flat) {
        return new DataArray(PREDICTORS, flat, new long[] {rows, columns.size()});
    }

    private static List<ParameterBlock> blocks(GlmFamily family, List<String> columns, boolean intercept) {
        List<ParameterBlock> result = new ArrayList<>();
        if (intercept) {
            result.add(ParameterBlock.scalar(INTERCEPT, Constraint.real()));
        }
        for (String column : columns) {
            if (column.equals(INTERCEPT) || column.equals(SIGMA) || column.equals(ALL_COEFFICIENTS)) {
                throw new IllegalArgumentException("predictor column '" + column + "' clashes with a reserved "
                        + "parameter name (intercept, sigma, beta); rename the column");
            }
            result.add(ParameterBlock.scalar(column, Constraint.real()));
        }
        if (family == GlmFamily.LINEAR) {
            result.add(ParameterBlock.scalar(SIGMA, Constraint.positive()));
        }
        return List.copyOf(result);
    }

    private Map<String, RegressionPrior> resolvePriors(
            double[][] x, double[] y, Map<String, RegressionPrior> overrides) {
        for (String key : overrides.keySet()) {
            boolean known = key.equals(ALL_COEFFICIENTS)
                    || blocks.stream().anyMatch(b -> b.name().equals(key));
            if (!known) {
                throw new IllegalArgumentException("prior for unknown parameter '" + key + "'; parameters are "
                        + String.join(", ", parameterNamesForPriors()));
            }
        }
        double sdY = family == GlmFamily.LINEAR ? positiveSd(y) : 1.0;
        Map<String, RegressionPrior> result = new LinkedHashMap<>();
        for (ParameterBlock block : blocks) {
            String name = block.name();
            RegressionPrior prior;
            if (overrides.containsKey(name)) {
                prior = overrides.get(name);
            } else if (name.equals(INTERCEPT)) {
                prior = family == GlmFamily.LINEAR
                        ? new RegressionPrior.Normal(mean(y), 10 * sdY)
                        : new RegressionPrior.Normal(0, 10);
            } else if (name.equals(SIGMA)) {
                prior = new RegressionPrior.Exponential(1.0 / sdY);
            } else if (overrides.containsKey(ALL_COEFFICIENTS)) {
                prior = overrides.get(ALL_COEFFICIENTS);
            } else {
                int j = columns.indexOf(name);
                double[] column = new double[x.length];
                for (int i = 0; i < x.length; i++) {
                    column[i] = x[i][j];
                }
                prior = new RegressionPrior.Normal(0, 2.5 * sdY / positiveSd(column));
            }
            prior.checkSupport(name, name.equals(SIGMA));
            result.put(name, prior);
        }
        return result;
    }

    private List<String> parameterNamesForPriors() {
        List<String> names = new ArrayList<>();
        names.add(ALL_COEFFICIENTS);
        blocks.forEach(b -> names.add(b.name()));
        return names;
    }

    /** The sample standard deviation, or 1 when the values are constant or single. */
    private static double positiveSd(double[] values) {
        if (values.length < 2) {
            return 1.0;
        }
        double m = mean(values);
        double squares = 0;
        for (double v : values) {
            squares += (v - m) * (v - m);
        }
        double sd = Math.sqrt(squares / (values.length - 1));
        return sd > 0 ? sd : 1.0;
    }

    private static double mean(double[] values) {
        double sum = 0;
        for (double v : values) {
            sum += v;
        }
        return sum / values.length;
    }

    /** The response distribution. */
    public GlmFamily family() {
        return family;
    }

    /** The prior of every parameter, defaults resolved, in block order. */
    public Map<String, RegressionPrior> priors() {
        return Map.copyOf(priors);
    }

    /**
     * Where the intercept's prior is evaluated: it is the prior of {@code α + Σ_j c_j β_j} with c the
     * returned predictors' means x̄ (empty without an intercept).
     */
    public double[] interceptPriorCentre() {
        return interceptPriorCentre.clone();
    }

    @Override
    public List<ParameterBlock> blocks() {
        return blocks;
    }

    @Override
    public List<DataArray> data() {
        return data;
    }

    @Override
    public int dataSize() {
        return rows;
    }

    /**
     * The closed-form density of {@link GlmDensity} over this model's records: a fit of a regression
     * runs in plain doubles, without a tensor engine. The full-data likelihood of the linear model
     * with an intercept comes from its sufficient statistics ({@link LinearSufficientStatistics}).
     */
    @Override
    public UnconstrainedDensity unconstrainedDensity() {
        return new GlmDensity(
                layout,
                List.copyOf(priors.values()),
                interceptPriorCentre,
                rows,
                (theta, particles, records, values, gradient) -> {
                    if (records == null && sufficientStatistics != null) {
                        sufficientStatistics.accumulate(theta, particles, values, gradient);
                    } else {
                        GlmLikelihood.accumulate(
                                family,
                                layout,
                                predictorValues,
                                responses,
                                logFactorials,
                                theta,
                                particles,
                                records,
                                values,
                                gradient);
                    }
                },
                false);
    }

    /**
     * For logistic and Poisson regression, the expected log joint under a Gaussian guide by
     * quadrature and closed forms ({@link GlmGaussianExpectation}), so that {@code GaussianVi} fits
     * them deterministically with L-BFGS. Empty for the linear model: its σ is not a linear-predictor
     * parameter, and its stochastic fit is already cheap through the sufficient statistics.
     */
    @Override
    public Optional<GaussianExpectation> gaussianExpectation() {
        return gaussianExpectation(preconditioner(Preconditioning.NONE));
    }

    /** {@link #gaussianExpectation()} for a guide over the preconditioner's coordinates. */
    @Override
    public Optional<GaussianExpectation> gaussianExpectation(GlmPreconditioner preconditioner) {
        if (family == GlmFamily.LINEAR) {
            return Optional.empty();
        }
        return Optional.of(new GlmGaussianExpectation(
                family,
                layout,
                List.copyOf(priors.values()),
                interceptPriorCentre,
                preconditioner,
                predictorValues,
                responses,
                logFactorials));
    }

    /**
     * Fits the posterior by {@link GaussianVi} over preconditioned coordinates (see {@link
     * Preconditioning}; the default is {@link Preconditioning#QR}), reported on the original scale:
     * the same posterior as {@code GaussianVi.fit(this, config)}, a better-conditioned problem for
     * the optimizer, and for a mean-field guide a correlated Gaussian over the original coefficients
     * rather than an independent one. The guide family in {@code config} applies to the
     * preconditioned coordinates.
     *
     * @param config the settings
     * @param preconditioning the reparameterization
     * @param listener receives progress
     * @return the fit, every draw, summary and q on the original scale
     */
    public VariationalPosterior fit(ViConfig config, Preconditioning preconditioning, ViListener listener) {
        if (preconditioning == Preconditioning.NONE) {
            return GaussianVi.fit(this, config, listener);
        }
        return preconditioner(preconditioning).fit(this, config, listener);
    }

    /** {@link #fit(ViConfig, Preconditioning, ViListener)} with QR preconditioning and no progress. */
    public VariationalPosterior fit(ViConfig config) {
        return fit(config, Preconditioning.QR, ViListener.NONE);
    }

    /**
     * The preconditioning a fit with {@code requested} applies: the same, except that QR falls back
     * to standardization when the predictors are collinear or constant.
     */
    public Preconditioning preconditioningInEffect(Preconditioning requested) {
        return preconditioner(requested).kind();
    }

    GlmPreconditioner preconditioner(Preconditioning kind) {
        return GlmPreconditioner.of(kind, family, layout, predictorValues, responses);
    }

    @Override
    public NDArray logPrior(ParameterValues values) {
        return logPrior(values::get);
    }

    /** The log prior of each particle, reading each block's values {@code [S, 1]} by name. */
    @Override
    public NDArray logPrior(Function<String, NDArray> parameters) {
        NDArray total = null;
        for (ParameterBlock block : blocks) {
            NDArray value = parameters.apply(block.name());
            if (block.name().equals(INTERCEPT)) {
                for (int j = 0; j < columns.size(); j++) {
                    value = value.add(parameters.apply(columns.get(j)).mul(interceptPriorCentre[j]));
                }
            }
            NDArray term = priors.get(block.name())
                    .logDensity(value, block.name().equals(SIGMA))
                    .sum(new int[] {1});
            total = total == null ? term : total.add(term);
        }
        return total;
    }

    @Override
    public NDArray logLikelihood(ParameterValues values, NDArray records) {
        return logLikelihood(values::get, values, records);
    }

    /** The log likelihood of the given records (null: all), reading the parameters by name. */
    @Override
    public NDArray logLikelihood(Function<String, NDArray> parameters, ParameterValues values, NDArray records) {
        if (records == null) {
            NDArray logFactorial = family == GlmFamily.POISSON ? values.data(LOG_FACTORIAL) : null;
            return logLikelihood(parameters, values.data(PREDICTORS), values.data(RESPONSE), logFactorial);
        }
        NDArray logFactorial =
                family == GlmFamily.POISSON ? values.data(LOG_FACTORIAL).get(records) : null;
        return logLikelihood(
                parameters,
                values.data(PREDICTORS).get(records),
                values.data(RESPONSE).get(records),
                logFactorial);
    }

    /** The full-data log joint, reading the data in place rather than gathering every record. */
    @Override
    public NDArray logJoint(ParameterValues values) {
        return logPrior(values).add(logLikelihood(values::get, values, null));
    }

    /** Σ over the given records' rows {@code x}, responses {@code y} (and log y! for Poisson). */
    private NDArray logLikelihood(Function<String, NDArray> parameters, NDArray x, NDArray y, NDArray logFactorial) {
        NDArray eta = linearPredictor(parameters, x);
        NDArray perRecord = switch (family) {
            case LINEAR -> {
                NDArray sigma = parameters.apply(SIGMA);
                NDArray z = eta.sub(y).div(sigma);
                yield z.square()
                        .mul(SpecialFunctions.scalar(z, -0.5))
                        .sub(sigma.log())
                        .sub(SpecialFunctions.scalar(z, SpecialFunctions.HALF_LOG_2PI));
            }
            case LOGISTIC -> eta.mul(y).sub(SpecialFunctions.softplus(eta));
            case POISSON -> eta.mul(y).sub(eta.exp()).sub(logFactorial);
        };
        return perRecord.sum(new int[] {1});
    }

    /** η = α + B xᵀ for each particle: {@code [S, m]}. */
    private NDArray linearPredictor(Function<String, NDArray> parameters, NDArray x) {
        NDArray eta = null;
        if (!columns.isEmpty()) {
            NDList coefficients = new NDList(columns.size());
            for (String column : columns) {
                coefficients.add(parameters.apply(column));
            }
            NDArray beta = columns.size() == 1 ? coefficients.get(0) : NDArrays.concat(coefficients, 1);
            eta = beta.matMul(LinearAlgebra.transposeLastTwo(x));
        }
        if (intercept) {
            NDArray alpha = parameters.apply(INTERCEPT);
            eta = eta == null ? alpha.repeat(1, x.getShape().get(0)) : eta.add(alpha);
        }
        return eta;
    }
}
