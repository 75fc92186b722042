package io.github.elbo4j.vi.density;

import static io.github.elbo4j.vi.density.Arguments.map;
import static io.github.elbo4j.vi.density.Arguments.stride;

import io.github.elbo4j.vi.autodiff.Functions;
import io.github.elbo4j.vi.autodiff.Value;
import org.hipparchus.special.Beta;

/** The densities of bounded outcomes (beta, uniform). The public entry point is {@link Densities}. */
final class BoundedDensities {

    private BoundedDensities() {}

    static Value beta(Value y, Value alpha, Value beta) {
        int n = Arguments.size("beta", "y, alpha, beta", y, alpha, beta);
        if (!Arguments.inSupport("beta", y, v -> v > 0.0 && v < 1.0, "(0, 1)")
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
        boolean sharedParameters = sa == 0 && sb == 0;
        double sharedLogBeta = sharedParameters ? Beta.logBeta(av[0], bv[0]) : 0.0;
        double[] digammaAlpha = da == null ? null : map(alpha, Functions::digamma);
        double[] digammaBeta = db == null ? null : map(beta, Functions::digamma);
        double sharedDigammaSum = sharedParameters ? Functions.digamma(av[0] + bv[0]) : 0.0;
        double total = 0.0;
        for (int i = 0; i < n; i++) {
            double a = av[i * sa];
            double b = bv[i * sb];
            double yi = yv[i * sy];
            double logY = Math.log(yi);
            double log1mY = Math.log1p(-yi);
            total += (a - 1.0) * logY + (b - 1.0) * log1mY - (sharedParameters ? sharedLogBeta : Beta.logBeta(a, b));
            if (dy != null) {
                dy[i * sy] += (a - 1.0) / yi - (b - 1.0) / (1.0 - yi);
            }
            if (da != null || db != null) {
                double digammaSum = sharedParameters ? sharedDigammaSum : Functions.digamma(a + b);
                if (da != null) {
                    da[i * sa] += logY - digammaAlpha[i * sa] + digammaSum;
                }
                if (db != null) {
                    db[i * sb] += log1mY - digammaBeta[i * sb] + digammaSum;
                }
            }
        }
        return partials.result(total);
    }

    static Value uniform(Value y, Value alpha, Value beta) {
        int n = Arguments.size("uniform", "y, alpha, beta", y, alpha, beta);
        if (!Arguments.inSupport("uniform", y, Double::isFinite, "(−∞, ∞)")
                || !Arguments.finite(alpha)
                || !Arguments.finite(beta)) {
            return Partials.impossible(y, alpha, beta);
        }
        double[] yv = y.values();
        double[] av = alpha.values();
        double[] bv = beta.values();
        int sy = stride(y, n);
        int sa = stride(alpha, n);
        int sb = stride(beta, n);
        Partials partials = new Partials(y, alpha, beta);
        double[] da = partials.of(1);
        double[] db = partials.of(2);
        double total = 0.0;
        for (int i = 0; i < n; i++) {
            double a = av[i * sa];
            double b = bv[i * sb];
            double yi = yv[i * sy];
            // Bounds may be parameters, so an outcome outside them (or bounds out of order) is −∞, as in Stan.
            if (!(a < b) || yi < a || yi > b) {
                return Partials.impossible(y, alpha, beta);
            }
            double width = b - a;
            total -= Math.log(width);
            if (da != null) {
                da[i * sa] += 1.0 / width;
            }
            if (db != null) {
                db[i * sb] -= 1.0 / width;
            }
        }
        return partials.result(total);
    }
}
