package io.github.elbo4j.vi.density;

import static io.github.elbo4j.vi.autodiff.Value.constant;

import io.github.elbo4j.vi.autodiff.Value;

/**
 * Log densities for models, vectorized over data: {@code import static
 * io.github.elbo4j.vi.density.Densities.*;} then {@code normal(y, mu, sigma)} is Stan's {@code
 * normal_lpdf(y | mu, sigma)}.
 *
 * <p><b>What a density returns.</b> A scalar {@link Value}: the sum over elements of the full log
 * density, normalizing constants included (Stan's {@code _lpdf}/{@code _lpmf}, not {@code ~}), so
 * log joints and evidence estimates are comparable across models. Each density is one recorded value
 * with hand-derived partials for its non-constant arguments (Stan Math's operands and partials), so a
 * density over a thousand records costs one loop forward and one backward.
 *
 * <p><b>Vectorization.</b> Every argument is either a single value or has the outcome's shape; single
 * values are broadcast (Stan's vectorized signatures). Any empty argument gives 0.
 *
 * <p><b>Overloads.</b> Every density takes {@code Value} arguments. Continuous densities also take
 * all their parameters as {@code double}s ({@code normal(theta, 0, 5)}, for priors), and the
 * location–scale ones a {@code Value} location with a {@code double} scale ({@code normal(y, mu,
 * 1.5)}). Discrete outcomes are {@code int[]} (or one {@code int}). Data vectors are {@link
 * Value#constant(double...)}s, made once outside the model.
 *
 * <p><b>Bad arguments.</b> A parameter outside its domain (a scale, shape or rate ≤ 0 or not
 * finite, a location not finite, uniform bounds out of order) gives −∞, as Stan rejects the draw, so
 * that a fit can back off instead of failing. A data outcome outside the support (a negative count, a
 * beta outcome outside (0, 1)) is an {@link IllegalArgumentException} naming the density and the
 * index; an outcome that is a parameter and falls outside the support (a transform that underflowed)
 * gives −∞. Shapes that do not broadcast are an {@link IllegalArgumentException}.
 *
 * <p>The parameterizations are Stan's; {@code docs/vi-densities.md} lists them.
 */
public final class Densities {

    private Densities() {}

    // ---------------------------------------------------------------- real line

    /**
     * The normal log density with location {@code mu} and scale (standard deviation) {@code sigma}.
     *
     * @return {@code normal_lpdf(y | mu, sigma)}, summed over elements
     */
    public static Value normal(Value y, Value mu, Value sigma) {
        return LocationScale.NORMAL.logDensity(y, mu, sigma);
    }

    /** {@link #normal(Value, Value, Value)} with constant parameters. */
    public static Value normal(Value y, double mu, double sigma) {
        return LocationScale.NORMAL.logDensity(y, constant(mu), constant(sigma));
    }

    /** {@link #normal(Value, Value, Value)} with a varying location and constant scale. */
    public static Value normal(Value y, Value mu, double sigma) {
        return LocationScale.NORMAL.logDensity(y, mu, constant(sigma));
    }

    /**
     * Student's t log density with {@code nu} degrees of freedom, location {@code mu} and scale {@code sigma}.
     *
     * @return {@code student_t_lpdf(y | nu, mu, sigma)}, summed over elements
     */
    public static Value studentT(Value y, Value nu, Value mu, Value sigma) {
        return LocationScale.studentT(y, nu, mu, sigma);
    }

    /** {@link #studentT(Value, Value, Value, Value)} with constant parameters. */
    public static Value studentT(Value y, double nu, double mu, double sigma) {
        return LocationScale.studentT(y, constant(nu), constant(mu), constant(sigma));
    }

    /** {@link #studentT(Value, Value, Value, Value)} with a varying location and constant other parameters. */
    public static Value studentT(Value y, double nu, Value mu, double sigma) {
        return LocationScale.studentT(y, constant(nu), mu, constant(sigma));
    }

    /**
     * The Cauchy log density with location {@code mu} and scale {@code sigma}.
     *
     * @return {@code cauchy_lpdf(y | mu, sigma)}, summed over elements
     */
    public static Value cauchy(Value y, Value mu, Value sigma) {
        return LocationScale.CAUCHY.logDensity(y, mu, sigma);
    }

    /** {@link #cauchy(Value, Value, Value)} with constant parameters. */
    public static Value cauchy(Value y, double mu, double sigma) {
        return LocationScale.CAUCHY.logDensity(y, constant(mu), constant(sigma));
    }

    /** {@link #cauchy(Value, Value, Value)} with a varying location and constant scale. */
    public static Value cauchy(Value y, Value mu, double sigma) {
        return LocationScale.CAUCHY.logDensity(y, mu, constant(sigma));
    }

    /**
     * The double exponential (Laplace) log density with location {@code mu} and scale {@code sigma}: {@code −log 2σ − |y − μ| / σ}.
     *
     * @return {@code double_exponential_lpdf(y | mu, sigma)}, summed over elements
     */
    public static Value doubleExponential(Value y, Value mu, Value sigma) {
        return LocationScale.DOUBLE_EXPONENTIAL.logDensity(y, mu, sigma);
    }

    /** {@link #doubleExponential(Value, Value, Value)} with constant parameters. */
    public static Value doubleExponential(Value y, double mu, double sigma) {
        return LocationScale.DOUBLE_EXPONENTIAL.logDensity(y, constant(mu), constant(sigma));
    }

    /** {@link #doubleExponential(Value, Value, Value)} with a varying location and constant scale. */
    public static Value doubleExponential(Value y, Value mu, double sigma) {
        return LocationScale.DOUBLE_EXPONENTIAL.logDensity(y, mu, constant(sigma));
    }

    /**
     * The logistic log density with location {@code mu} and scale {@code sigma}.
     *
     * @return {@code logistic_lpdf(y | mu, sigma)}, summed over elements
     */
    public static Value logistic(Value y, Value mu, Value sigma) {
        return LocationScale.LOGISTIC.logDensity(y, mu, sigma);
    }

    /** {@link #logistic(Value, Value, Value)} with constant parameters. */
    public static Value logistic(Value y, double mu, double sigma) {
        return LocationScale.LOGISTIC.logDensity(y, constant(mu), constant(sigma));
    }

    /** {@link #logistic(Value, Value, Value)} with a varying location and constant scale. */
    public static Value logistic(Value y, Value mu, double sigma) {
        return LocationScale.LOGISTIC.logDensity(y, mu, constant(sigma));
    }

    // ---------------------------------------------------------------- positive outcomes

    /**
     * The lognormal log density: {@code log y} is normal with location {@code mu} and scale {@code sigma}; outcomes in (0, ∞).
     *
     * @return {@code lognormal_lpdf(y | mu, sigma)}, summed over elements
     */
    public static Value lognormal(Value y, Value mu, Value sigma) {
        return LocationScale.lognormal(y, mu, sigma);
    }

    /** {@link #lognormal(Value, Value, Value)} with constant parameters. */
    public static Value lognormal(Value y, double mu, double sigma) {
        return LocationScale.lognormal(y, constant(mu), constant(sigma));
    }

    /** {@link #lognormal(Value, Value, Value)} with a varying location and constant scale. */
    public static Value lognormal(Value y, Value mu, double sigma) {
        return LocationScale.lognormal(y, mu, constant(sigma));
    }

    /**
     * The exponential log density with rate {@code beta} (mean 1/β); outcomes in [0, ∞).
     *
     * @return {@code exponential_lpdf(y | beta)}, summed over elements
     */
    public static Value exponential(Value y, Value beta) {
        return PositiveDensities.exponential(y, beta);
    }

    /** {@link #exponential(Value, Value)} with constant parameters. */
    public static Value exponential(Value y, double beta) {
        return PositiveDensities.exponential(y, constant(beta));
    }

    /**
     * The gamma log density with shape {@code alpha} and rate {@code beta} (mean α/β); outcomes in (0, ∞).
     *
     * @return {@code gamma_lpdf(y | alpha, beta)}, summed over elements
     */
    public static Value gamma(Value y, Value alpha, Value beta) {
        return PositiveDensities.gamma(y, alpha, beta);
    }

    /** {@link #gamma(Value, Value, Value)} with constant parameters. */
    public static Value gamma(Value y, double alpha, double beta) {
        return PositiveDensities.gamma(y, constant(alpha), constant(beta));
    }

    /**
     * The inverse gamma log density with shape {@code alpha} and scale {@code beta} (1/y is gamma with rate β); outcomes in (0, ∞).
     *
     * @return {@code inv_gamma_lpdf(y | alpha, beta)}, summed over elements
     */
    public static Value invGamma(Value y, Value alpha, Value beta) {
        return PositiveDensities.invGamma(y, alpha, beta);
    }

    /** {@link #invGamma(Value, Value, Value)} with constant parameters. */
    public static Value invGamma(Value y, double alpha, double beta) {
        return PositiveDensities.invGamma(y, constant(alpha), constant(beta));
    }

    /**
     * The Weibull log density with shape {@code alpha} and scale {@code sigma}; outcomes in (0, ∞).
     *
     * @return {@code weibull_lpdf(y | alpha, sigma)}, summed over elements
     */
    public static Value weibull(Value y, Value alpha, Value sigma) {
        return PositiveDensities.weibull(y, alpha, sigma);
    }

    /** {@link #weibull(Value, Value, Value)} with constant parameters. */
    public static Value weibull(Value y, double alpha, double sigma) {
        return PositiveDensities.weibull(y, constant(alpha), constant(sigma));
    }

    // ---------------------------------------------------------------- bounded outcomes

    /**
     * The beta log density with shapes {@code alpha} (successes + 1) and {@code beta} (failures + 1); outcomes in (0, 1).
     *
     * @return {@code beta_lpdf(y | alpha, beta)}, summed over elements
     */
    public static Value beta(Value y, Value alpha, Value beta) {
        return BoundedDensities.beta(y, alpha, beta);
    }

    /** {@link #beta(Value, Value, Value)} with constant parameters. */
    public static Value beta(Value y, double alpha, double beta) {
        return BoundedDensities.beta(y, constant(alpha), constant(beta));
    }

    /**
     * The uniform log density on [{@code alpha}, {@code beta}]; an outcome outside the bounds gives −∞ (the bounds may be parameters).
     *
     * @return {@code uniform_lpdf(y | alpha, beta)}, summed over elements
     */
    public static Value uniform(Value y, Value alpha, Value beta) {
        return BoundedDensities.uniform(y, alpha, beta);
    }

    /** {@link #uniform(Value, Value, Value)} with constant parameters. */
    public static Value uniform(Value y, double alpha, double beta) {
        return BoundedDensities.uniform(y, constant(alpha), constant(beta));
    }

    // ---------------------------------------------------------------- discrete outcomes

    /**
     * The Bernoulli log probability of outcomes 0 or 1 with log-odds {@code theta} (Stan's {@code
     * bernoulli_logit}), for logistic regression.
     *
     * @return {@code bernoulli_logit_lpmf(y | theta)}, summed over elements
     */
    public static Value bernoulliLogit(int[] y, Value theta) {
        return DiscreteDensities.bernoulliLogit(y, theta);
    }

    /** {@link #bernoulliLogit(int[], Value)} of one outcome. */
    public static Value bernoulliLogit(int y, Value theta) {
        return DiscreteDensities.bernoulliLogit(new int[] {y}, theta);
    }

    /**
     * The binomial log probability of {@code y} successes in {@code trials} trials with log-odds
     * {@code alpha}, binomial coefficient included.
     *
     * @param trials the number of trials per outcome, or one for all
     * @return {@code binomial_logit_lpmf(y | trials, alpha)}, summed over elements
     */
    public static Value binomialLogit(int[] y, int[] trials, Value alpha) {
        return DiscreteDensities.binomialLogit(y, trials, alpha);
    }

    /** {@link #binomialLogit(int[], int[], Value)} with one number of trials for every outcome. */
    public static Value binomialLogit(int[] y, int trials, Value alpha) {
        return DiscreteDensities.binomialLogit(y, new int[] {trials}, alpha);
    }

    /**
     * The Poisson log probability of counts {@code y} with log rate {@code alpha} ({@code −log y!}
     * included), for Poisson regression.
     *
     * @return {@code poisson_log_lpmf(y | alpha)}, summed over elements
     */
    public static Value poissonLog(int[] y, Value alpha) {
        return DiscreteDensities.poissonLog(y, alpha);
    }

    /** {@link #poissonLog(int[], Value)} of one count. */
    public static Value poissonLog(int y, Value alpha) {
        return DiscreteDensities.poissonLog(new int[] {y}, alpha);
    }

    /**
     * The negative binomial log probability of counts {@code y} with log mean {@code eta} and
     * precision {@code phi}: mean {@code μ = e^η}, variance {@code μ + μ²/φ}.
     *
     * @return {@code neg_binomial_2_log_lpmf(y | eta, phi)}, summed over elements
     */
    public static Value negBinomial2Log(int[] y, Value eta, Value phi) {
        return DiscreteDensities.negBinomial2Log(y, eta, phi);
    }

    /** {@link #negBinomial2Log(int[], Value, Value)} with a constant precision. */
    public static Value negBinomial2Log(int[] y, Value eta, double phi) {
        return DiscreteDensities.negBinomial2Log(y, eta, constant(phi));
    }

    /**
     * The categorical log probability of outcomes {@code y} with logits {@code beta}: {@code
     * beta[y] − log Σ_k e^{beta[k]}}. Categories are numbered from 0 (Stan numbers them from 1:
     * subtract 1 from Stan data).
     *
     * @param beta a vector of K logits shared by every outcome, or a {@code [y.length, K]} matrix
     *     with the logits of outcome i in row i
     * @return {@code categorical_logit_lpmf(y + 1 | beta)}, summed over outcomes
     */
    public static Value categoricalLogit(int[] y, Value beta) {
        return DiscreteDensities.categoricalLogit(y, beta);
    }

    /** {@link #categoricalLogit(int[], Value)} of one outcome. */
    public static Value categoricalLogit(int y, Value beta) {
        return DiscreteDensities.categoricalLogit(new int[] {y}, beta);
    }

    // ---------------------------------------------------------------- multivariate

    /**
     * The multivariate normal log density with mean {@code mu} and covariance {@code L Lᵀ}, given by
     * its lower-triangular Cholesky factor {@code L} (only the lower triangle is read; its diagonal
     * must be positive). Cheaper and more stable than a covariance: one triangular solve per row.
     *
     * @param y a vector of K, or an {@code [n, K]} matrix of n outcomes (one per row)
     * @param mu a vector of K shared by every row, or an {@code [n, K]} matrix
     * @param lower the {@code [K, K]} Cholesky factor, e.g. from {@link
     *     io.github.elbo4j.vi.autodiff.Functions#cholesky}, or {@code diag(σ) L_Ω} of a correlation factor
     * @return {@code multi_normal_cholesky_lpdf(y | mu, L)}, summed over rows
     */
    public static Value multiNormalCholesky(Value y, Value mu, Value lower) {
        return MultivariateDensities.multiNormalCholesky(y, mu, lower);
    }

    /**
     * The Dirichlet log density of a simplex {@code theta} with concentrations {@code alpha}.
     *
     * @param theta a simplex of K, or an {@code [n, K]} matrix with a simplex per row
     * @param alpha K positive concentrations shared by every row, or an {@code [n, K]} matrix
     * @return {@code dirichlet_lpdf(theta | alpha)}, summed over rows
     */
    public static Value dirichlet(Value theta, Value alpha) {
        return MultivariateDensities.dirichlet(theta, alpha);
    }

    /** {@link #dirichlet(Value, Value)} with constant concentrations. */
    public static Value dirichlet(Value theta, double... alpha) {
        return MultivariateDensities.dirichlet(theta, constant(alpha));
    }

    /**
     * The LKJ log density of the Cholesky factor {@code L} of a correlation matrix with shape {@code
     * eta} (η = 1 is uniform over correlation matrices; larger η favours the identity), the density of
     * {@code L Lᵀ} under LKJ(η) times the Jacobian of {@code L ↦ L Lᵀ}, normalizing constant included.
     * Reads the diagonal of {@code L}.
     *
     * @param lower a {@code [K, K]} lower-triangular factor with rows of unit length
     * @param eta the shape η &gt; 0, one value
     * @return {@code lkj_corr_cholesky_lpdf(L | eta)}
     */
    public static Value lkjCorrCholesky(Value lower, Value eta) {
        return MultivariateDensities.lkjCorrCholesky(lower, eta);
    }

    /** {@link #lkjCorrCholesky(Value, Value)} with a constant shape. */
    public static Value lkjCorrCholesky(Value lower, double eta) {
        return MultivariateDensities.lkjCorrCholesky(lower, constant(eta));
    }
}
