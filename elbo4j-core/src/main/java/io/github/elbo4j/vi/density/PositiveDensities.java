package io.github.elbo4j.vi.density;

import static io.github.elbo4j.vi.density.Arguments.map;
import static io.github.elbo4j.vi.density.Arguments.stride;
import static io.github.elbo4j.vi.density.Arguments.sumLog;

import io.github.elbo4j.vi.autodiff.Functions;
import io.github.elbo4j.vi.autodiff.Value;
import org.hipparchus.special.Gamma;

/**
 * The densities of positive outcomes (exponential, gamma, inverse gamma, Weibull; the lognormal is
 * a {@link LocationScale}), each one loop that sums the log density and fills the partials of the
 * non-constant arguments. The public entry point is {@link Densities}.
 */
final class PositiveDensities {

    private static final String POSITIVE = "(0, ∞)";

    private PositiveDensities() {}

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
        return gammaOf("gamma", y, alpha, beta, false);
    }

    static Value invGamma(Value y, Value alpha, Value beta) {
        return gammaOf("inv_gamma", y, alpha, beta, true);
    }

    /**
     * The gamma log density of {@code x = y} or, for the inverse gamma, of {@code x = 1/y} with the
     * Jacobian {@code −2 log y}: {@code α log β − log Γ(α) + (α − 1) log x − β x}.
     */
    private static Value gammaOf(String name, Value y, Value alpha, Value beta, boolean inverse) {
        int n = Arguments.size(name, "y, alpha, beta", y, alpha, beta);
        if (!Arguments.inSupport(name, y, PositiveDensities::positive, POSITIVE)
                || !Arguments.positiveFinite(alpha)
                || !Arguments.positiveFinite(beta)) {
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
            double x = inverse ? 1.0 / yi : yi;
            double logX = Math.log(x);
            total += a * logBeta[i * sb] - logGammaAlpha[i * sa] + (a - 1.0) * logX - b * x;
            if (inverse) {
                total += 2.0 * logX;
            }
            if (dy != null) {
                double byX = (a - 1.0) / x - b;
                // For x = 1/y: dx/dy = −x², and the Jacobian term −2 log y adds −2/y = −2x.
                dy[i * sy] += inverse ? -byX * x * x - 2.0 * x : byX;
            }
            if (da != null) {
                da[i * sa] += logBeta[i * sb] - digammaAlpha[i * sa] + logX;
            }
            if (db != null) {
                db[i * sb] += a / b - x;
            }
        }
        return partials.result(total);
    }

    static Value weibull(Value y, Value alpha, Value sigma) {
        int n = Arguments.size("weibull", "y, alpha, sigma", y, alpha, sigma);
        if (!Arguments.inSupport("weibull", y, PositiveDensities::positive, POSITIVE)
                || !Arguments.positiveFinite(alpha)
                || !Arguments.positiveFinite(sigma)) {
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
