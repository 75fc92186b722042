package io.github.elbo4j.testing;

import org.hipparchus.analysis.integration.IterativeLegendreGaussIntegrator;
import org.hipparchus.distribution.continuous.NormalDistribution;

/** Independent reference computations built on Hipparchus. */
public final class Oracles {

    private Oracles() {}

    /**
     * The differential entropy {@code −∫ f log f} of a Hipparchus normal, by adaptive
     * Gauss–Legendre quadrature of the density over ±12 standard deviations (the tails beyond
     * contribute below 1e-25).
     */
    public static double normalEntropyByQuadrature(double mean, double sd) {
        NormalDistribution normal = new NormalDistribution(mean, sd);
        IterativeLegendreGaussIntegrator integrator = new IterativeLegendreGaussIntegrator(16, 1e-13, 1e-13);
        return integrator.integrate(
                100_000,
                x -> {
                    double logDensity = normal.logDensity(x);
                    return -Math.exp(logDensity) * logDensity;
                },
                mean - 12 * sd,
                mean + 12 * sd);
    }
}
