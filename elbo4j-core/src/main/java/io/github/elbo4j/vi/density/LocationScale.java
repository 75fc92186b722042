package io.github.elbo4j.vi.density;

import static io.github.elbo4j.vi.density.Arguments.stride;
import static io.github.elbo4j.vi.density.Arguments.sumLog;

import io.github.elbo4j.vi.autodiff.Functions;
import io.github.elbo4j.vi.autodiff.Value;
import org.hipparchus.special.Gamma;

/**
 * The location–scale densities: {@code log p(y | μ, σ) = log f((y − μ)/σ) − log σ} for a standard
 * density f (normal, Cauchy, double exponential, logistic), and the lognormal, which is the normal
 * of {@code log y}. One loop serves them all: a family only supplies {@code log f(z)} and its slope
 * {@code d log f / dz}, from which every partial follows (∂/∂y = f′/σ, ∂/∂μ = −f′/σ, ∂/∂σ = −(1 +
 * z f′)/σ). Student's t, whose shape ν is a further argument, has its own loop. The public entry
 * point is {@link Densities}.
 *
 * <p>The shared loop costs little: with {@code DensityTiming}, the normal's forward and backward
 * pass took 7.1 CPU ns per element in a loop of its own and 7.3 in the shared one when a program
 * uses one family; 9–10 when it uses all four, whose calls the JIT then no longer inlines.
 */
enum LocationScale {
    NORMAL("normal", -0.5 * Math.log(2 * Math.PI)) {
        @Override
        double logStandard(double z) {
            return -0.5 * z * z;
        }

        @Override
        double slope(double z) {
            return -z;
        }
    },

    CAUCHY("cauchy", -Math.log(Math.PI)) {
        @Override
        double logStandard(double z) {
            return -Math.log1p(z * z);
        }

        @Override
        double slope(double z) {
            return -2.0 * z / (1.0 + z * z);
        }
    },

    DOUBLE_EXPONENTIAL("double_exponential", -Math.log(2.0)) {
        @Override
        double logStandard(double z) {
            return -Math.abs(z);
        }

        /** The slope at z = 0 is taken as 0, as Stan's sign function does. */
        @Override
        double slope(double z) {
            return -Math.signum(z);
        }
    },

    LOGISTIC("logistic", 0.0) {
        /** {@code −|z| − 2 log(1 + e^−|z|)}: f is symmetric, and this form cannot overflow. */
        @Override
        double logStandard(double z) {
            double a = Math.abs(z);
            return -a - 2.0 * Math.log1p(Math.exp(-a));
        }

        /** {@code −tanh(z/2)}. */
        @Override
        double slope(double z) {
            return -Math.tanh(0.5 * z);
        }
    };

    private static final double LOG_PI = Math.log(Math.PI);

    private final String stanName;
    private final double logNormalizer;

    LocationScale(String stanName, double logNormalizer) {
        this.stanName = stanName;
        this.logNormalizer = logNormalizer;
    }

    /** {@code log f(z) − logNormalizer}: the standard density's log without its constant term. */
    abstract double logStandard(double z);

    /** {@code d log f / dz}. */
    abstract double slope(double z);

    /** {@code Σ_i log f((y_i − μ_i)/σ_i) − log σ_i}, one recorded value. */
    Value logDensity(Value y, Value mu, Value sigma) {
        return logDensity(stanName, y, mu, sigma, false);
    }

    /** The lognormal log density: the normal's of {@code log y}, minus {@code Σ log y}. */
    static Value lognormal(Value y, Value mu, Value sigma) {
        return NORMAL.logDensity("lognormal", y, mu, sigma, true);
    }

    private Value logDensity(String name, Value y, Value mu, Value sigma, boolean logScale) {
        int n = Arguments.size(name, "y, mu, sigma", y, mu, sigma);
        boolean inSupport = logScale
                ? Arguments.inSupport(name, y, v -> v > 0.0 && v < Double.POSITIVE_INFINITY, "(0, ∞)")
                : Arguments.inSupport(name, y, Double::isFinite, "(−∞, ∞)");
        if (!inSupport || !Arguments.finite(mu) || !Arguments.positiveFinite(sigma)) {
            return Partials.impossible(y, mu, sigma);
        }
        double[] yv = y.values();
        double[] mv = mu.values();
        double[] sv = sigma.values();
        int sy = stride(y, n);
        int sm = stride(mu, n);
        int ss = stride(sigma, n);
        Partials partials = new Partials(y, mu, sigma);
        double[] dy = partials.of(0);
        double[] dm = partials.of(1);
        double[] ds = partials.of(2);
        boolean differentiate = dy != null || dm != null || ds != null;
        double total = n * logNormalizer - sumLog(sv, ss, n);
        for (int i = 0; i < n; i++) {
            double outcome = yv[i * sy];
            double logOutcome = logScale ? Math.log(outcome) : outcome;
            double inverse = 1.0 / sv[i * ss];
            double z = (logOutcome - mv[i * sm]) * inverse;
            total += logStandard(z);
            if (logScale) {
                total -= logOutcome;
            }
            if (differentiate) {
                double slope = slope(z);
                double byLocation = slope * inverse;
                if (dy != null) {
                    // d/dy of log y is 1/y, and the −log y term adds −1/y.
                    dy[i * sy] += logScale ? (byLocation - 1.0) / outcome : byLocation;
                }
                if (dm != null) {
                    dm[i * sm] -= byLocation;
                }
                if (ds != null) {
                    ds[i * ss] -= (1.0 + z * slope) * inverse;
                }
            }
        }
        return partials.result(total);
    }

    /** Student's t: the location–scale family of the t density with ν degrees of freedom, ν an argument too. */
    static Value studentT(Value y, Value nu, Value mu, Value sigma) {
        int n = Arguments.size("student_t", "y, nu, mu, sigma", y, nu, mu, sigma);
        if (!Arguments.inSupport("student_t", y, Double::isFinite, "(−∞, ∞)")
                || !Arguments.finite(mu)
                || !Arguments.positiveFinite(sigma)
                || !Arguments.positiveFinite(nu)) {
            return Partials.impossible(y, nu, mu, sigma);
        }
        double[] yv = y.values();
        double[] nv = nu.values();
        double[] mv = mu.values();
        double[] sv = sigma.values();
        int sy = stride(y, n);
        int sn = stride(nu, n);
        int sm = stride(mu, n);
        int ss = stride(sigma, n);
        Partials partials = new Partials(y, nu, mu, sigma);
        double[] dy = partials.of(0);
        double[] dn = partials.of(1);
        double[] dm = partials.of(2);
        double[] ds = partials.of(3);
        double total = -sumLog(sv, ss, n) - 0.5 * n * LOG_PI;
        // The ν-only terms, once for a broadcast ν.
        int nuTerms = sn == 0 ? 1 : n;
        double nuFactor = sn == 0 ? n : 1.0;
        for (int i = 0; i < nuTerms; i++) {
            double v = nv[i];
            total += nuFactor * (Gamma.logGamma(0.5 * (v + 1.0)) - Gamma.logGamma(0.5 * v) - 0.5 * Math.log(v));
            if (dn != null) {
                dn[i] += nuFactor * (0.5 * (Functions.digamma(0.5 * (v + 1.0)) - Functions.digamma(0.5 * v)) - 0.5 / v);
            }
        }
        for (int i = 0; i < n; i++) {
            double v = nv[i * sn];
            double inverse = 1.0 / sv[i * ss];
            double z = (yv[i * sy] - mv[i * sm]) * inverse;
            double zz = z * z;
            double log1pTerm = Math.log1p(zz / v);
            total -= 0.5 * (v + 1.0) * log1pTerm;
            double ratio = (v + 1.0) / (v + zz);
            if (dy != null) {
                dy[i * sy] -= ratio * z * inverse;
            }
            if (dm != null) {
                dm[i * sm] += ratio * z * inverse;
            }
            if (ds != null) {
                ds[i * ss] += (ratio * zz - 1.0) * inverse;
            }
            if (dn != null) {
                dn[i * sn] += 0.5 * (ratio * zz / v - log1pTerm);
            }
        }
        return partials.result(total);
    }
}
