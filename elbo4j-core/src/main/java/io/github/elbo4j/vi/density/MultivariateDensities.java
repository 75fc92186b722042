package io.github.elbo4j.vi.density;

import io.github.elbo4j.vi.autodiff.Functions;
import io.github.elbo4j.vi.autodiff.Value;
import java.util.Arrays;
import org.hipparchus.special.Beta;
import org.hipparchus.special.Gamma;

/**
 * The multivariate densities (multivariate normal by its Cholesky factor, Dirichlet, LKJ on
 * correlation Cholesky factors), each one recorded value with analytic partials. The public entry
 * point is {@link Densities}.
 */
final class MultivariateDensities {

    private static final double HALF_LOG_TWO_PI = 0.5 * Math.log(2 * Math.PI);
    private static final double LOG_TWO = Math.log(2.0);

    private MultivariateDensities() {}

    static Value multiNormalCholesky(Value y, Value mu, Value lower) {
        int[] shape = lower.shape();
        if (shape.length != 2 || shape[0] != shape[1]) {
            throw new IllegalArgumentException(
                    "multi_normal_cholesky: L must be a square matrix, got shape " + Arrays.toString(shape));
        }
        int k = shape[0];
        int n = rows("multi_normal_cholesky", "y", y, k);
        int muRows = rows("multi_normal_cholesky", "mu", mu, k);
        if (muRows != 1 && muRows != n) {
            throw new IllegalArgumentException("multi_normal_cholesky: mu has " + muRows + " rows and y " + n
                    + " (mu needs one row, shared, or one per row of y)");
        }
        if (!Arguments.inSupport("multi_normal_cholesky", y, Double::isFinite, "(−∞, ∞)") || !Arguments.finite(mu)) {
            return Partials.impossible(y, mu, lower);
        }
        double[] l = lower.values();
        for (int i = 0; i < k; i++) {
            double d = l[i * k + i];
            if (!(d > 0.0 && d < Double.POSITIVE_INFINITY)) {
                return Partials.impossible(y, mu, lower);
            }
        }
        double[] yv = y.values();
        double[] mv = mu.values();
        int sm = muRows == 1 ? 0 : 1;
        Partials partials = new Partials(y, mu, lower);
        double[] dy = partials.of(0);
        double[] dm = partials.of(1);
        double[] dl = partials.of(2);
        double[] z = new double[k];
        double[] w = new double[k];
        double squares = 0.0;
        for (int r = 0; r < n; r++) {
            // z = L⁻¹ (y − μ) by forward substitution; the quadratic form is |z|².
            for (int i = 0; i < k; i++) {
                double s = yv[r * k + i] - mv[r * sm * k + i];
                for (int j = 0; j < i; j++) {
                    s -= l[i * k + j] * z[j];
                }
                z[i] = s / l[i * k + i];
                squares += z[i] * z[i];
            }
            if (dy == null && dm == null && dl == null) {
                continue;
            }
            // w = L⁻ᵀ z = Σ⁻¹ (y − μ): ∂/∂y = −w, ∂/∂μ = w, ∂/∂L = w zᵀ (lower triangle).
            for (int i = k - 1; i >= 0; i--) {
                double s = z[i];
                for (int j = i + 1; j < k; j++) {
                    s -= l[j * k + i] * w[j];
                }
                w[i] = s / l[i * k + i];
            }
            for (int i = 0; i < k; i++) {
                if (dy != null) {
                    dy[r * k + i] -= w[i];
                }
                if (dm != null) {
                    dm[r * sm * k + i] += w[i];
                }
                if (dl != null) {
                    for (int j = 0; j <= i; j++) {
                        dl[i * k + j] += w[i] * z[j];
                    }
                }
            }
        }
        double logDiagonal = 0.0;
        for (int i = 0; i < k; i++) {
            logDiagonal += Math.log(l[i * k + i]);
            if (dl != null) {
                dl[i * k + i] -= n / l[i * k + i];
            }
        }
        return partials.result(-0.5 * squares - n * logDiagonal - n * k * HALF_LOG_TWO_PI);
    }

    static Value dirichlet(Value theta, Value alpha) {
        int k = theta.shape().length == 0 ? 1 : theta.shape()[theta.shape().length - 1];
        int n = rows("dirichlet", "theta", theta, k);
        int alphaRows = rows("dirichlet", "alpha", alpha, k);
        if (alphaRows != 1 && alphaRows != n) {
            throw new IllegalArgumentException("dirichlet: alpha has " + alphaRows + " rows and theta " + n
                    + " (alpha needs one row, shared, or one per row of theta)");
        }
        double[] tv = theta.values();
        if (theta.isConstant()) {
            checkSimplexes(tv, n, k);
        }
        for (double t : tv) {
            if (!(t > 0.0)) {
                return Partials.impossible(theta, alpha);
            }
        }
        if (!Arguments.positiveFinite(alpha)) {
            return Partials.impossible(theta, alpha);
        }
        double[] av = alpha.values();
        int sa = alphaRows == 1 ? 0 : 1;
        Partials partials = new Partials(theta, alpha);
        double[] dt = partials.of(0);
        double[] da = partials.of(1);
        // The normalizing constant and its derivatives, once per distinct row of α.
        double[] logNormalizer = new double[alphaRows];
        double[] digammaSum = new double[alphaRows];
        for (int r = 0; r < alphaRows; r++) {
            double sum = 0.0;
            double logGammas = 0.0;
            for (int i = 0; i < k; i++) {
                sum += av[r * k + i];
                logGammas += Gamma.logGamma(av[r * k + i]);
            }
            logNormalizer[r] = Gamma.logGamma(sum) - logGammas;
            digammaSum[r] = da == null ? 0.0 : Functions.digamma(sum);
        }
        double total = 0.0;
        for (int r = 0; r < n; r++) {
            int ar = r * sa;
            total += logNormalizer[ar];
            for (int i = 0; i < k; i++) {
                double a = av[ar * k + i];
                double t = tv[r * k + i];
                double logT = Math.log(t);
                total += (a - 1.0) * logT;
                if (dt != null) {
                    dt[r * k + i] += (a - 1.0) / t;
                }
                if (da != null) {
                    da[ar * k + i] += digammaSum[ar] - Functions.digamma(a) + logT;
                }
            }
        }
        return partials.result(total);
    }

    static Value lkjCorrCholesky(Value lower, Value eta) {
        int[] shape = lower.shape();
        if (shape.length != 2 || shape[0] != shape[1]) {
            throw new IllegalArgumentException(
                    "lkj_corr_cholesky: L must be a square matrix, got shape " + Arrays.toString(shape));
        }
        if (eta.size() != 1) {
            throw new IllegalArgumentException("lkj_corr_cholesky: eta must be a single value, got " + eta.size());
        }
        int k = shape[0];
        double e = eta.values()[0];
        double[] l = lower.values();
        if (!(e > 0.0 && e < Double.POSITIVE_INFINITY)) {
            return Partials.impossible(lower, eta);
        }
        for (int i = 0; i < k; i++) {
            if (!(l[i * k + i] > 0.0)) {
                return Partials.impossible(lower, eta);
            }
        }
        Partials partials = new Partials(lower, eta);
        double[] dl = partials.of(0);
        double[] de = partials.of(1);
        // LKJ: p(Ω) ∝ det(Ω)^(η−1) = Π L_ii^(2η−2); with the Jacobian of L ↦ Ω = L Lᵀ, row i (from 0)
        // of L contributes L_ii^(K − i − 3 + 2η).
        double total = 0.0;
        double sumLogDiagonal = 0.0;
        for (int i = 1; i < k; i++) {
            double d = l[i * k + i];
            double logD = Math.log(d);
            double power = k - i - 3 + 2.0 * e;
            total += power * logD;
            sumLogDiagonal += logD;
            if (dl != null) {
                dl[i * k + i] += power / d;
            }
        }
        // The normalizing constant of Lewandowski, Kurowicka and Joe (2009) from the vine
        // (partial-correlation) parameterization: each of the K − j partial correlations at level j
        // integrates (1 − ρ²)^(η − 1 + (K − j − 1)/2) over (−1, 1), which is 2^(2b−1) B(b, b) with
        // b = η + (K − j − 1)/2.
        double logNormalizer = 0.0;
        double byEta = 0.0;
        for (int j = 1; j < k; j++) {
            double b = e + 0.5 * (k - j - 1);
            logNormalizer += (k - j) * ((2.0 * b - 1.0) * LOG_TWO + Beta.logBeta(b, b));
            if (de != null) {
                byEta += (k - j) * (2.0 * LOG_TWO + 2.0 * Functions.digamma(b) - 2.0 * Functions.digamma(2.0 * b));
            }
        }
        if (de != null) {
            de[0] += 2.0 * sumLogDiagonal - byEta;
        }
        return partials.result(total - logNormalizer);
    }

    /** The number of rows of K elements: 1 for a vector of K, r for an {@code [r, K]} matrix. */
    private static int rows(String density, String name, Value v, int k) {
        int[] shape = v.shape();
        if (shape.length == 1 && shape[0] == k) {
            return 1;
        }
        if (shape.length == 2 && shape[1] == k) {
            return shape[0];
        }
        throw new IllegalArgumentException(density + ": " + name + " must be a vector of " + k + " or a matrix of " + k
                + " columns, got shape " + Arrays.toString(shape));
    }

    private static void checkSimplexes(double[] theta, int n, int k) {
        for (int r = 0; r < n; r++) {
            double sum = 0.0;
            for (int i = 0; i < k; i++) {
                double t = theta[r * k + i];
                if (!(t > 0.0 && t <= 1.0)) {
                    throw new IllegalArgumentException(
                            "dirichlet: outcome theta[" + (r * k + i) + "] = " + t + " is outside (0, 1]");
                }
                sum += t;
            }
            // Loose enough for simplexes written to a few digits in a data file.
            if (Math.abs(sum - 1.0) > 1e-4) {
                throw new IllegalArgumentException(
                        "dirichlet: outcome row " + r + " sums to " + sum + ", not 1 (within 1e-4)");
            }
        }
    }
}
