package io.github.elbo4j.bench.posteriordb.models;

import static io.github.elbo4j.vi.autodiff.Functions.hmmMarginal;
import static io.github.elbo4j.vi.autodiff.Functions.linearRecurrence;
import static io.github.elbo4j.vi.autodiff.Functions.stackRows;
import static io.github.elbo4j.vi.autodiff.Value.concat;
import static io.github.elbo4j.vi.autodiff.Value.constant;
import static io.github.elbo4j.vi.density.Densities.cauchy;
import static io.github.elbo4j.vi.density.Densities.dirichlet;
import static io.github.elbo4j.vi.density.Densities.exponential;
import static io.github.elbo4j.vi.density.Densities.normal;

import io.github.elbo4j.vi.autodiff.Value;
import io.github.elbo4j.vi.data.StanData;
import io.github.elbo4j.vi.model.JavaModel;
import java.util.Arrays;

/**
 * Sequential models: each time step's value depends on the previous one, written as a Java loop
 * over the series as the Stan program loops over it, or, where the recursion is linear, as one
 * {@code linearRecurrence}.
 */
final class TimeSeries {

    private TimeSeries() {}

    /** {@code arma-arma11}: an ARMA(1, 1) model, the errors' recursion from err[0] = 0. */
    static JavaModel arma11(StanData data) {
        int length = data.integer("T");
        double[] y = data.vector("y", length);
        return JavaModel.of(m -> {
            Value mu = m.real("mu");
            Value phi = m.real("phi");
            Value theta = m.real("theta");
            Value sigma = m.positive("sigma");
            m.add(normal(mu, 0, 10));
            m.add(normal(phi, 0, 2));
            m.add(normal(theta, 0, 2));
            m.add(cauchy(sigma, 0, 2.5));
            Value[] err = new Value[length];
            err[0] = mu.plus(phi.times(mu)).subtractedFrom(y[0]);
            for (int t = 1; t < length; t++) {
                Value nu = mu.plus(phi.times(y[t - 1])).plus(theta.times(err[t - 1]));
                err[t] = nu.subtractedFrom(y[t]);
            }
            m.add(normal(concat(err), constant(0), sigma));
        });
    }

    /**
     * {@code bball_drive_event_0-hmm_drive_0}: a two-state hidden Markov model with exponential
     * emissions, its likelihood by the forward algorithm ({@code hmmMarginal}). Each state's
     * emission at step t is {@code exponential_lpdf({u[t], v[t]} | {phi[k], lambda[k]})}, Stan's two
     * terms in one vectorized call. The Stan program starts the recursion from the first emissions
     * with no initial distribution: initial weights of one.
     */
    static JavaModel hmmDrive(StanData data) {
        int k = data.integer("K");
        if (k != 2) {
            throw new IllegalArgumentException(
                    data.source() + ": field 'K' is " + k + ", but hmm_drive_0 has two states (theta1, theta2)");
        }
        int n = data.integer("N");
        double[] u = data.vector("u", n);
        double[] v = data.vector("v", n);
        // each step's two observations, so that one exponential density call covers both
        Value[] uv = new Value[n];
        for (int t = 0; t < n; t++) {
            uv[t] = constant(u[t], v[t]);
        }
        double[][] alpha = data.matrix("alpha", k, k);
        Value initial = constant(1.0, 1.0);
        return JavaModel.of(m -> {
            Value[] theta = {m.simplex("theta1", k), m.simplex("theta2", k)};
            Value phi = m.positiveOrdered("phi", k);
            Value lambda = m.positiveOrdered("lambda", k);
            for (int i = 0; i < k; i++) {
                m.add(dirichlet(theta[i], constant(alpha[i])));
            }
            m.add(normal(phi.get(0), 0, 1));
            m.add(normal(phi.get(1), 3, 1));
            m.add(normal(lambda.get(0), 0, 1));
            m.add(normal(lambda.get(1), 3, 1));
            Value[] logOmega = new Value[k];
            for (int j = 0; j < k; j++) {
                Value rates = concat(phi.get(j), lambda.get(j));
                Value[] emission = new Value[n];
                for (int t = 0; t < n; t++) {
                    emission[t] = exponential(uv[t], rates);
                }
                logOmega[j] = concat(emission);
            }
            m.add(hmmMarginal(stackRows(logOmega), stackRows(theta), initial));
        });
    }

    /**
     * A GARCH(1, 1) model of returns r (not in the posteriordb set; the Stan User's Guide's, with its
     * flat priors): sigma[t]² = alpha0 + alpha1 (r[t−1] − mu)² + beta1 sigma[t−1]², with beta1 below
     * 1 − alpha1, a bound that depends on a parameter. The variance recursion is one {@code
     * linearRecurrence} (x_t = a_t + beta1 x_{t−1} with a_t = alpha0 + alpha1 (r[t−1] − mu)²), not
     * a loop of scalar operations: the same model, for about a seventh of the CPU time of a log
     * density and gradient at 1,000 returns (42 to 45 µs against 284 to 299 µs, on a loaded machine).
     *
     * @param r the returns
     * @param sigma1 the first period's volatility, data
     * @return the model
     */
    static JavaModel garch11(double[] r, double sigma1) {
        Value returns = constant(r);
        Value previous = constant(Arrays.copyOf(r, r.length - 1));
        Value initialVariance = constant(sigma1 * sigma1);
        return JavaModel.of(m -> {
            Value mu = m.real("mu");
            Value alpha0 = m.positive("alpha0");
            Value alpha1 = m.bounded("alpha1", 0, 1);
            Value beta1 = m.bounded("beta1", constant(0), alpha1.subtractedFrom(1));
            Value shocks = alpha0.plus(alpha1.times(previous.minus(mu).square()));
            Value variance = linearRecurrence(initialVariance, shocks, beta1);
            m.add(normal(returns, mu, variance.sqrt()));
        });
    }
}
