package io.github.elbo4j.vi.glm;

import java.util.Arrays;
import java.util.Locale;

/**
 * How {@link GeneralizedLinearModel#fit} reparameterizes a regression before fitting it (the
 * devices of rstanarm and brms). Each is an invertible affine map of the coefficients with the
 * priors carried along, so the posterior is the same; only the coordinates the guide and the
 * optimizer see change, and every result is reported on the original scale. A mean-field guide over
 * the new coordinates is a correlated Gaussian over the original ones.
 */
public enum Preconditioning {
    /** Fit the coefficients as given: intercept and slopes of the raw predictors. */
    NONE,
    /**
     * Centre each predictor at its mean and scale it by its standard deviation (and, for the linear
     * model, the response by its own): the intercept becomes the mean response, nearly independent
     * of the slopes, and every coordinate is of order one.
     */
    STANDARDIZE,
    /**
     * {@link #STANDARDIZE}, then decorrelate the standardized predictors (their correlation matrix
     * C = R̃ᵀR̃, coefficients R̃ β̃: rstanarm's QR reparameterization), so that the likelihood's
     * curvature is nearly isotropic; falls back to {@link #STANDARDIZE} when C is singular (collinear
     * or constant predictors). The default.
     */
    QR;

    /** The command-line name. */
    public String cliName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * Parses {@code none}, {@code standardize} or {@code qr}.
     *
     * @throws IllegalArgumentException listing the names if unknown
     */
    public static Preconditioning fromName(String name) {
        for (Preconditioning value : values()) {
            if (value.cliName().equalsIgnoreCase(name.trim())) {
                return value;
            }
        }
        throw new IllegalArgumentException("unknown preconditioning '" + name + "'; expected one of "
                + Arrays.stream(values()).map(Preconditioning::cliName).toList());
    }
}
