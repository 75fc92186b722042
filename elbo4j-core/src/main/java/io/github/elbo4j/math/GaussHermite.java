package io.github.elbo4j.math;

import java.io.Serializable;

/**
 * The G-point Gauss–Hermite rule for expectations under the standard normal distribution:
 *
 * <pre>
 *   E[f(t)] ≈ Σ_k w_k f(t_k),   t ~ N(0, 1),   Σ_k w_k = 1
 * </pre>
 *
 * exact for polynomials of degree up to 2G − 1. The nodes are the roots of the orthonormal
 * (probabilists') Hermite polynomial p_G, found by Newton's method from the asymptotic starting
 * values of Numerical Recipes ({@code gauher}, 3rd ed. §4.6) scaled to the standard normal; the
 * weights are {@code w_k = 1 / (G p_{G−1}(t_k)²)}. The three-term recurrence of the orthonormal
 * polynomials stays in range for any G used here, where the monic one overflows.
 */
// Serializable: the Spark module ships a rule to executors inside the GLM expectation's record terms.
public final class GaussHermite implements Serializable {

    private static final long serialVersionUID = 1L;

    private static final int MAX_NEWTON_STEPS = 100;

    private final double[] nodes;
    private final double[] weights;

    private GaussHermite(double[] nodes, double[] weights) {
        this.nodes = nodes;
        this.weights = weights;
    }

    /**
     * Computes the rule with {@code count} points.
     *
     * @param count G, at least 1
     * @return the rule, nodes in increasing order
     */
    public static GaussHermite of(int count) {
        if (count < 1) {
            throw new IllegalArgumentException("a Gauss-Hermite rule needs at least one node, got " + count);
        }
        double[] nodes = new double[count];
        double[] weights = new double[count];
        // Roots are symmetric: find the non-negative half, largest first, as gauher does, each
        // starting value extrapolated from the roots already found. The starting values are for
        // the physicists' polynomials (weight e^{−x²}): t = √2 x.
        double x = 0;
        double[] found = new double[(count + 1) / 2];
        for (int i = 0; i < found.length; i++) {
            if (i == 0) {
                x = Math.sqrt(2.0 * count + 1) - 1.85575 * Math.pow(2.0 * count + 1, -1.0 / 6);
            } else if (i == 1) {
                x -= 1.14 * Math.pow(count, 0.426) / x;
            } else if (i == 2) {
                x = 1.86 * x - 0.86 * found[0];
            } else if (i == 3) {
                x = 1.91 * x - 0.91 * found[1];
            } else {
                x = 2.0 * x - found[i - 2];
            }
            double t = refine(Math.sqrt(2.0) * x, count);
            x = t / Math.sqrt(2.0);
            found[i] = x;
            double previous = orthonormal(t, count)[1];
            double weight = 1.0 / (count * previous * previous);
            nodes[count - 1 - i] = t;
            nodes[i] = -t;
            weights[count - 1 - i] = weight;
            weights[i] = weight;
        }
        return new GaussHermite(nodes, weights);
    }

    /** Newton's method on p_G, whose derivative is √G p_{G−1}. */
    private static double refine(double start, int count) {
        double t = start;
        for (int step = 0; step < MAX_NEWTON_STEPS; step++) {
            double[] p = orthonormal(t, count);
            double next = t - p[0] / (Math.sqrt(count) * p[1]);
            if (Math.abs(next - t) <= 1e-15 * Math.max(1.0, Math.abs(t))) {
                return next;
            }
            t = next;
        }
        throw new IllegalStateException("Gauss-Hermite node " + start + " of " + count + " did not converge");
    }

    /** {p_G(t), p_{G−1}(t)}: p_0 = 1, p_{j+1} = (t p_j − √j p_{j−1}) / √(j+1). */
    private static double[] orthonormal(double t, int count) {
        double current = 1.0;
        double previous = 0.0;
        for (int j = 0; j < count; j++) {
            double next = (t * current - Math.sqrt(j) * previous) / Math.sqrt(j + 1.0);
            previous = current;
            current = next;
        }
        return new double[] {current, previous};
    }

    /** G. */
    public int size() {
        return nodes.length;
    }

    /** t_k, increasing (a copy). */
    public double[] nodes() {
        return nodes.clone();
    }

    /** w_k, summing to 1 (a copy). */
    public double[] weights() {
        return weights.clone();
    }

    /** t_k without a copy, for the inner loops of this library. */
    public double node(int k) {
        return nodes[k];
    }

    /** w_k without a copy. */
    public double weight(int k) {
        return weights[k];
    }
}
