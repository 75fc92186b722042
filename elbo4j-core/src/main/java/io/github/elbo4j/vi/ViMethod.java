package io.github.elbo4j.vi;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Arrays;
import java.util.Locale;

/**
 * How {@link GaussianVi} fits q. Every method starts by finding the mode of the log density in the
 * unconstrained space (L-BFGS) and its Laplace covariance; see {@code docs/vi-fitting.md}.
 */
public enum ViMethod {
    /**
     * Deterministic ADVI (Giordano, Ingram and Broderick, JMLR 25, 2024): the ELBO estimated with one
     * fixed set of moment-matched draws is an ordinary function, maximised by L-BFGS to a
     * gradient-norm test. The default for full data.
     */
    DADVI("dadvi"),
    /**
     * Stochastic-gradient ADVI (Kucukelbir et al., JMLR 18, 2017) with Adam; the method for
     * subsampled data ({@link ViConfig#batchSize()} &gt; 0), where each step sees a minibatch.
     */
    ADVI("advi"),
    /**
     * Pathfinder (Zhang, Carpenter, Gelman and Vehtari, JMLR 23, 2022): Gaussians along L-BFGS paths
     * from several starting points, the best of each path by ELBO, pooled by Pareto-smoothed
     * importance resampling.
     */
    PATHFINDER("pathfinder"),
    /** The Laplace approximation: a Gaussian at the mode with the inverse negative Hessian as covariance. */
    LAPLACE("laplace");

    private final String cliName;

    ViMethod(String cliName) {
        this.cliName = cliName;
    }

    /** The lower-case name used on the command line. */
    @JsonValue
    public String cliName() {
        return cliName;
    }

    /**
     * Parses {@code dadvi}, {@code advi}, {@code pathfinder} or {@code laplace} (case-insensitive).
     *
     * @param name the method name
     * @return the method
     * @throws IllegalArgumentException listing the names if unknown
     */
    @JsonCreator
    public static ViMethod fromName(String name) {
        for (ViMethod method : values()) {
            if (method.cliName.equalsIgnoreCase(name.trim())) {
                return method;
            }
        }
        throw new IllegalArgumentException("unknown method '" + name + "'; use one of "
                + Arrays.stream(values()).map(ViMethod::cliName).toList());
    }

    @Override
    public String toString() {
        return cliName.toUpperCase(Locale.ROOT);
    }
}
