package io.github.elbo4j.vi.density;

import static io.github.elbo4j.vi.density.Arguments.stride;
import static io.github.elbo4j.vi.density.Arguments.sumLog;

import io.github.elbo4j.vi.autodiff.Functions;
import io.github.elbo4j.vi.autodiff.Value;
import org.hipparchus.special.Gamma;

/**
 * The location–scale densities on the real line (normal, Student-t, Cauchy, double exponential,
 * logistic), each one loop that sums the log density and fills the partials of the non-constant
 * arguments. The public entry point is {@link Densities}.
 */
final class RealLineDensities {

    private static final double HALF_LOG_TWO_PI = 0.5 * Math.log(2 * Math.PI);
    private static final double LOG_PI = Math.log(Math.PI);
    private static final double LOG_TWO = Math.log(2.0);
    private static final String NAMES = "y, mu, sigma";

    private RealLineDensities() {}

    static Value normal(Value y, Value mu, Value sigma) {
        int n = Arguments.size("normal", NAMES, y, mu, sigma);
        if (!validLocationScale("normal", y, mu, sigma)) {
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
        double squares = 0.0;
        for (int i = 0; i < n; i++) {
            double inverse = 1.0 / sv[i * ss];
            double z = (yv[i * sy] - mv[i * sm]) * inverse;
            squares += z * z;
            double dz = z * inverse;
            if (dy != null) {
                dy[i * sy] -= dz;
            }
            if (dm != null) {
                dm[i * sm] += dz;
            }
            if (ds != null) {
                ds[i * ss] += (z * z - 1.0) * inverse;
            }
        }
        return partials.result(-0.5 * squares - sumLog(sv, ss, n) - n * HALF_LOG_TWO_PI);
    }

    static Value studentT(Value y, Value nu, Value mu, Value sigma) {
        int n = Arguments.size("student_t", "y, nu, mu, sigma", y, nu, mu, sigma);
        if (!Arguments.positiveFinite(nu) || !validLocationScale("student_t", y, mu, sigma)) {
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

    static Value cauchy(Value y, Value mu, Value sigma) {
        int n = Arguments.size("cauchy", NAMES, y, mu, sigma);
        if (!validLocationScale("cauchy", y, mu, sigma)) {
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
        double total = -sumLog(sv, ss, n) - n * LOG_PI;
        for (int i = 0; i < n; i++) {
            double inverse = 1.0 / sv[i * ss];
            double z = (yv[i * sy] - mv[i * sm]) * inverse;
            double zz = z * z;
            total -= Math.log1p(zz);
            double dz = 2.0 * z / (1.0 + zz) * inverse;
            if (dy != null) {
                dy[i * sy] -= dz;
            }
            if (dm != null) {
                dm[i * sm] += dz;
            }
            if (ds != null) {
                ds[i * ss] += (2.0 * zz / (1.0 + zz) - 1.0) * inverse;
            }
        }
        return partials.result(total);
    }

    static Value doubleExponential(Value y, Value mu, Value sigma) {
        int n = Arguments.size("double_exponential", NAMES, y, mu, sigma);
        if (!validLocationScale("double_exponential", y, mu, sigma)) {
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
        double total = -sumLog(sv, ss, n) - n * LOG_TWO;
        for (int i = 0; i < n; i++) {
            double inverse = 1.0 / sv[i * ss];
            double difference = yv[i * sy] - mv[i * sm];
            double z = Math.abs(difference) * inverse;
            total -= z;
            // The derivative at y = mu is taken as 0, as Stan's sign function does.
            double dz = Math.signum(difference) * inverse;
            if (dy != null) {
                dy[i * sy] -= dz;
            }
            if (dm != null) {
                dm[i * sm] += dz;
            }
            if (ds != null) {
                ds[i * ss] += (z - 1.0) * inverse;
            }
        }
        return partials.result(total);
    }

    static Value logistic(Value y, Value mu, Value sigma) {
        int n = Arguments.size("logistic", NAMES, y, mu, sigma);
        if (!validLocationScale("logistic", y, mu, sigma)) {
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
        double total = -sumLog(sv, ss, n);
        for (int i = 0; i < n; i++) {
            double inverse = 1.0 / sv[i * ss];
            double z = (yv[i * sy] - mv[i * sm]) * inverse;
            // log f(z) = −|z| − 2 log(1 + e^−|z|): the density is symmetric, and this form cannot overflow.
            double a = Math.abs(z);
            double e = Math.exp(-a);
            total -= a + 2.0 * Math.log1p(e);
            // d log f / dz = −tanh(z / 2) = −sign(z) (1 − e^−|z|) / (1 + e^−|z|).
            double slope = -Math.signum(z) * (1.0 - e) / (1.0 + e);
            if (dy != null) {
                dy[i * sy] += slope * inverse;
            }
            if (dm != null) {
                dm[i * sm] -= slope * inverse;
            }
            if (ds != null) {
                ds[i * ss] -= (slope * z + 1.0) * inverse;
            }
        }
        return partials.result(total);
    }

    /** Checks a real outcome (data must be finite) and says whether location and scale are in their domains. */
    static boolean validLocationScale(String density, Value y, Value mu, Value sigma) {
        return Arguments.inSupport(density, y, Double::isFinite, "(−∞, ∞)")
                && Arguments.finite(mu) && Arguments.positiveFinite(sigma);
    }
}
