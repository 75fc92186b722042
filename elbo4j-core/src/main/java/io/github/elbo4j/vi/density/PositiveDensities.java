package io.github.elbo4j.vi.density;

import static io.github.elbo4j.vi.density.Arguments.map;
import static io.github.elbo4j.vi.density.Arguments.stride;
import static io.github.elbo4j.vi.density.Arguments.sumLog;

import io.github.elbo4j.vi.autodiff.Functions;
import io.github.elbo4j.vi.autodiff.Value;
import org.hipparchus.special.Gamma;

/**
 * The densities of positive outcomes (lognormal, exponential, gamma, inverse gamma, Weibull), each
 * one loop that sums the log density and fills the partials of the non-constant arguments. The
 * public entry point is {@link Densities}.
 */
final class PositiveDensities {

    private static final double HALF_LOG_TWO_PI = 0.5 * Math.log(2 * Math.PI);
    private static final String POSITIVE = "(0, ∞)";

    private PositiveDensities() {}

    static Value lognormal(Value y, Value mu, Value sigma) {
        int n = Arguments.size("lognormal", "y, mu, sigma", y, mu, sigma);
        if (!Arguments.inSupport("lognormal", y, PositiveDensities::positive, POSITIVE)
                || !Arguments.finite(mu) || !Arguments.positiveFinite(sigma)) {
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
        double total = -sumLog(sv, ss, n) - n * HALF_LOG_TWO_PI;
        for (int i = 0; i < n; i++) {
            double inverse = 1.0 / sv[i * ss];
            double logY = Math.log(yv[i * sy]);
            double z = (logY - mv[i * sm]) * inverse;
            total -= 0.5 * z * z + logY;
            double dz = z * inverse;
            if (dy != null) {
                dy[i * sy] -= (dz + 1.0) / yv[i * sy];
            }
            if (dm != null) {
                dm[i * sm] += dz;
            }
            if (ds != null) {
                ds[i * ss] += (z * z - 1.0) * inverse;
            }
        }
        return partials.result(total);
    }

    static Value exponential(Value y, Value beta) {
        int n = Arguments.size("exponential", "y, beta", y, beta);
        if (!Arguments.inSupport("exponential", y, v -> v >= 0.0 && v < Double.POSITIVE_INFINITY, "[0, ∞)")
                || !Arguments.positiveFinite(beta)) {
            return Partials.impossible(y, beta);
        }
        double[] yv = y.values();
        double[] bv = beta.values();
        int sy = stride(y, n);
        int sb = stride(beta, n);
        Partials partials = new Partials(y, beta);
        double[] dy = partials.of(0);
        double[] db = partials.of(1);
        double total = sumLog(bv, sb, n);
        for (int i = 0; i < n; i++) {
            double b = bv[i * sb];
            total -= b * yv[i * sy];
            if (dy != null) {
                dy[i * sy] -= b;
            }
            if (db != null) {
                db[i * sb] += 1.0 / b - yv[i * sy];
            }
        }
        return partials.result(total);
    }

    static Value gamma(Value y, Value alpha, Value beta) {
        int n = Arguments.size("gamma", "y, alpha, beta", y, alpha, beta);
        if (!Arguments.inSupport("gamma", y, PositiveDensities::positive, POSITIVE)
                || !Arguments.positiveFinite(alpha) || !Arguments.positiveFinite(beta)) {
            return Partials.impossible(y, alpha, beta);
        }
        double[] yv = y.values();
        double[] av = alpha.values();
        double[] bv = beta.values();
        int sy = stride(y, n);
        int sa = stride(alpha, n);
        int sb = stride(beta, n);
        Partials partials = new Partials(y, alpha, beta);
        double[] dy = partials.of(0);
        double[] da = partials.of(1);
        double[] db = partials.of(2);
        double[] logBeta = map(beta, Math::log);
        double[] logGammaAlpha = map(alpha, Gamma::logGamma);
        double[] digammaAlpha = da == null ? null : map(alpha, Functions::digamma);
        double total = 0.0;
        for (int i = 0; i < n; i++) {
            double a = av[i * sa];
            double b = bv[i * sb];
            double yi = yv[i * sy];
            double logY = Math.log(yi);
            total += a * logBeta[i * sb] - logGammaAlpha[i * sa] + (a - 1.0) * logY - b * yi;
            if (dy != null) {
                dy[i * sy] += (a - 1.0) / yi - b;
            }
            if (da != null) {
                da[i * sa] += logBeta[i * sb] - digammaAlpha[i * sa] + logY;
            }
            if (db != null) {
                db[i * sb] += a / b - yi;
            }
        }
        return partials.result(total);
    }

    static Value invGamma(Value y, Value alpha, Value beta) {
        int n = Arguments.size("inv_gamma", "y, alpha, beta", y, alpha, beta);
        if (!Arguments.inSupport("inv_gamma", y, PositiveDensities::positive, POSITIVE)
                || !Arguments.positiveFinite(alpha) || !Arguments.positiveFinite(beta)) {
            return Partials.impossible(y, alpha, beta);
        }
        double[] yv = y.values();
        double[] av = alpha.values();
        double[] bv = beta.values();
        int sy = stride(y, n);
        int sa = stride(alpha, n);
        int sb = stride(beta, n);
        Partials partials = new Partials(y, alpha, beta);
        double[] dy = partials.of(0);
        double[] da = partials.of(1);
        double[] db = partials.of(2);
        double[] logBeta = map(beta, Math::log);
        double[] logGammaAlpha = map(alpha, Gamma::logGamma);
        double[] digammaAlpha = da == null ? null : map(alpha, Functions::digamma);
        double total = 0.0;
        for (int i = 0; i < n; i++) {
            double a = av[i * sa];
            double b = bv[i * sb];
            double inverseY = 1.0 / yv[i * sy];
            double logY = Math.log(yv[i * sy]);
            total += a * logBeta[i * sb] - logGammaAlpha[i * sa] - (a + 1.0) * logY - b * inverseY;
            if (dy != null) {
                dy[i * sy] += (b * inverseY - (a + 1.0)) * inverseY;
            }
            if (da != null) {
                da[i * sa] += logBeta[i * sb] - digammaAlpha[i * sa] - logY;
            }
            if (db != null) {
                db[i * sb] += a / b - inverseY;
            }
        }
        return partials.result(total);
    }

    static Value weibull(Value y, Value alpha, Value sigma) {
        int n = Arguments.size("weibull", "y, alpha, sigma", y, alpha, sigma);
        if (!Arguments.inSupport("weibull", y, PositiveDensities::positive, POSITIVE)
                || !Arguments.positiveFinite(alpha) || !Arguments.positiveFinite(sigma)) {
            return Partials.impossible(y, alpha, sigma);
        }
        double[] yv = y.values();
        double[] av = alpha.values();
        double[] sv = sigma.values();
        int sy = stride(y, n);
        int sa = stride(alpha, n);
        int ss = stride(sigma, n);
        Partials partials = new Partials(y, alpha, sigma);
        double[] dy = partials.of(0);
        double[] da = partials.of(1);
        double[] ds = partials.of(2);
        double[] logSigma = map(sigma, Math::log);
        double total = sumLog(av, sa, n);
        for (int i = 0; i < n; i++) {
            double a = av[i * sa];
            double yi = yv[i * sy];
            double logRatio = Math.log(yi) - logSigma[i * ss];
            double power = Math.exp(a * logRatio);
            total += (a - 1.0) * logRatio - logSigma[i * ss] - power;
            if (dy != null) {
                dy[i * sy] += (a - 1.0 - a * power) / yi;
            }
            if (da != null) {
                da[i * sa] += 1.0 / a + logRatio * (1.0 - power);
            }
            if (ds != null) {
                ds[i * ss] += a * (power - 1.0) / sv[i * ss];
            }
        }
        return partials.result(total);
    }

    private static boolean positive(double y) {
        return y > 0.0 && y < Double.POSITIVE_INFINITY;
    }
}
