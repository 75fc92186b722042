package io.github.elbo4j.vi.density;

import static io.github.elbo4j.vi.autodiff.Value.inverseLogit;
import static io.github.elbo4j.vi.autodiff.Value.log1pExp;
import static io.github.elbo4j.vi.density.Arguments.map;
import static io.github.elbo4j.vi.density.Arguments.stride;

import io.github.elbo4j.vi.autodiff.Functions;
import io.github.elbo4j.vi.autodiff.Value;
import org.hipparchus.special.Gamma;

/**
 * The probability mass functions of discrete outcomes given as {@code int} arrays (Bernoulli and
 * binomial with a logit, Poisson and negative binomial with a log link, categorical with logits).
 * The public entry point is {@link Densities}.
 */
final class DiscreteDensities {

    /** Log factorials of small counts, looked up rather than computed: Poisson data are mostly small. */
    private static final double[] LOG_FACTORIAL = new double[1024];

    static {
        for (int k = 0; k < LOG_FACTORIAL.length; k++) {
            LOG_FACTORIAL[k] = Gamma.logGamma(k + 1.0);
        }
    }

    private DiscreteDensities() {}

    static Value bernoulliLogit(int[] y, Value theta) {
        int n = Arguments.size("bernoulli_logit", y.length, theta);
        for (int i = 0; i < y.length; i++) {
            if (y[i] != 0 && y[i] != 1) {
                throw new IllegalArgumentException(
                        "bernoulli_logit: outcome y[" + i + "] = " + y[i] + " is not 0 or 1");
            }
        }
        if (!noNaN(theta)) {
            return Partials.impossible(theta);
        }
        double[] tv = theta.values();
        int sy = y.length == 1 ? 0 : 1;
        int st = stride(theta, n);
        Partials partials = new Partials(theta);
        double[] dt = partials.of(0);
        double total = 0.0;
        for (int i = 0; i < n; i++) {
            // log P(y | θ) = −log(1 + e^{−sθ}) with s = ±1 for y = 1 or 0.
            double signed = y[i * sy] == 1 ? tv[i * st] : -tv[i * st];
            total -= log1pExp(-signed);
            if (dt != null) {
                double slope = inverseLogit(-signed);
                dt[i * st] += y[i * sy] == 1 ? slope : -slope;
            }
        }
        return partials.result(total);
    }

    static Value binomialLogit(int[] y, int[] trials, Value alpha) {
        if (trials.length != 1 && trials.length != y.length) {
            throw new IllegalArgumentException("binomial_logit: " + y.length + " outcomes but " + trials.length
                    + " trial counts (needs " + y.length + " or one)");
        }
        int n = Arguments.size("binomial_logit", y.length, alpha);
        int sn = trials.length == 1 ? 0 : 1;
        for (int i = 0; i < y.length; i++) {
            int t = trials[i * sn];
            if (y[i] < 0 || y[i] > t) {
                throw new IllegalArgumentException("binomial_logit: outcome y[" + i + "] = " + y[i] + " is outside [0, "
                        + t + "], its number of trials");
            }
        }
        if (!noNaN(alpha)) {
            return Partials.impossible(alpha);
        }
        double[] av = alpha.values();
        int sy = y.length == 1 ? 0 : 1;
        int sa = stride(alpha, n);
        Partials partials = new Partials(alpha);
        double[] da = partials.of(0);
        double total = 0.0;
        for (int i = 0; i < n; i++) {
            int successes = y[i * sy];
            int t = trials[i * sn];
            double a = av[i * sa];
            total += logFactorial(t)
                    - logFactorial(successes)
                    - logFactorial(t - successes)
                    - successes * log1pExp(-a)
                    - (t - successes) * log1pExp(a);
            if (da != null) {
                da[i * sa] += successes - t * inverseLogit(a);
            }
        }
        return partials.result(total);
    }

    static Value poissonLog(int[] y, Value alpha) {
        int n = Arguments.size("poisson_log", y.length, alpha);
        Arguments.counts("poisson_log", y);
        double[] av = alpha.values();
        for (double a : av) {
            if (Double.isNaN(a) || a == Double.POSITIVE_INFINITY) {
                return Partials.impossible(alpha);
            }
        }
        int sy = y.length == 1 ? 0 : 1;
        int sa = stride(alpha, n);
        Partials partials = new Partials(alpha);
        double[] da = partials.of(0);
        double[] rate = map(alpha, Math::exp);
        double total = 0.0;
        for (int i = 0; i < n; i++) {
            int count = y[i * sy];
            double a = av[i * sa];
            // A rate of exactly 0 (log rate −∞) gives probability 1 to a count of 0 and 0 to the others.
            total += (count == 0 ? 0.0 : count * a) - rate[i * sa] - logFactorial(count);
            if (da != null) {
                da[i * sa] += count - rate[i * sa];
            }
        }
        return partials.result(total);
    }

    static Value negBinomial2Log(int[] y, Value eta, Value phi) {
        int n = Arguments.size("neg_binomial_2_log", y.length, eta);
        n = Arguments.size("neg_binomial_2_log", n, phi);
        if (eta.size() != 1 && phi.size() != 1 && eta.size() != phi.size()) {
            throw new IllegalArgumentException("neg_binomial_2_log: eta has " + eta.size() + " elements and phi "
                    + phi.size() + " (need equal sizes or a single value)");
        }
        Arguments.counts("neg_binomial_2_log", y);
        if (!Arguments.finite(eta) || !Arguments.positiveFinite(phi)) {
            return Partials.impossible(eta, phi);
        }
        double[] ev = eta.values();
        double[] pv = phi.values();
        int sy = y.length == 1 ? 0 : 1;
        int se = stride(eta, n);
        int sp = stride(phi, n);
        Partials partials = new Partials(eta, phi);
        double[] de = partials.of(0);
        double[] dp = partials.of(1);
        double[] logPhi = map(phi, Math::log);
        double[] logGammaPhi = map(phi, Gamma::logGamma);
        double[] digammaPhi = dp == null ? null : map(phi, Functions::digamma);
        double total = 0.0;
        for (int i = 0; i < n; i++) {
            int count = y[i * sy];
            double e = ev[i * se];
            double p = pv[i * sp];
            double lp = logPhi[i * sp];
            // log(μ + φ) = log(e^η + e^{log φ}), without overflow for large η.
            double logSum = Math.max(e, lp) + Math.log1p(Math.exp(-Math.abs(e - lp)));
            total += Gamma.logGamma(count + p)
                    - logFactorial(count)
                    - logGammaPhi[i * sp]
                    + count * e
                    + p * lp
                    - (count + p) * logSum;
            // μ / (μ + φ), the probability that each Bernoulli-like trial fails, from the logs.
            double share = Math.exp(e - logSum);
            if (de != null) {
                de[i * se] += count - (count + p) * share;
            }
            if (dp != null) {
                dp[i * sp] += Functions.digamma(count + p)
                        - digammaPhi[i * sp]
                        + lp
                        + 1.0
                        - logSum
                        - (count + p) * Math.exp(-logSum);
            }
        }
        return partials.result(total);
    }

    static Value categoricalLogit(int[] y, Value beta) {
        int[] shape = beta.shape();
        boolean rows = shape.length == 2;
        if (shape.length == 0 || rows && shape[0] != y.length) {
            throw new IllegalArgumentException(
                    "categorical_logit: beta must be a vector of K logits or a matrix with a row per" + " outcome ("
                            + y.length + " rows), got shape " + java.util.Arrays.toString(shape));
        }
        int categories = rows ? shape[1] : shape[0];
        for (int i = 0; i < y.length; i++) {
            if (y[i] < 0 || y[i] >= categories) {
                throw new IllegalArgumentException("categorical_logit: outcome y[" + i + "] = " + y[i]
                        + " is outside [0, " + categories + "); categories are numbered from 0");
            }
        }
        if (!noNaN(beta)) {
            return Partials.impossible(beta);
        }
        double[] bv = beta.values();
        Partials partials = new Partials(beta);
        double[] db = partials.of(0);
        double total = 0.0;
        int groups = rows ? y.length : 1;
        for (int r = 0; r < groups; r++) {
            int base = r * categories;
            double max = Double.NEGATIVE_INFINITY;
            for (int k = 0; k < categories; k++) {
                max = Math.max(max, bv[base + k]);
            }
            double sum = 0.0;
            for (int k = 0; k < categories; k++) {
                sum += Math.exp(bv[base + k] - max);
            }
            double logNormalizer = max + Math.log(sum);
            int outcomes = rows ? 1 : y.length;
            total -= outcomes * logNormalizer;
            if (db != null) {
                for (int k = 0; k < categories; k++) {
                    db[base + k] -= outcomes * Math.exp(bv[base + k] - logNormalizer);
                }
            }
        }
        for (int i = 0; i < y.length; i++) {
            int index = (rows ? i * categories : 0) + y[i];
            total += bv[index];
            if (db != null) {
                db[index] += 1.0;
            }
        }
        return partials.result(total);
    }

    /** {@code log k!}, from the table for small k. */
    static double logFactorial(int k) {
        return k < LOG_FACTORIAL.length ? LOG_FACTORIAL[k] : Gamma.logGamma(k + 1.0);
    }

    private static boolean noNaN(Value parameter) {
        for (double x : parameter.values()) {
            if (Double.isNaN(x)) {
                return false;
            }
        }
        return true;
    }
}
