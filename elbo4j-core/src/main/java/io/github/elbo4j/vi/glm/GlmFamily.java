package io.github.elbo4j.vi.glm;

import java.util.Arrays;
import java.util.Locale;

/** The response distributions of {@link GeneralizedLinearModel}, with their canonical links. */
public enum GlmFamily {
    /** y ~ N(η, σ²), σ unknown. */
    LINEAR,
    /** y ∈ {0, 1}, y ~ Bernoulli(logit⁻¹ η). */
    LOGISTIC,
    /** y ∈ {0, 1, 2, …}, y ~ Poisson(exp η). */
    POISSON;

    /** The command-line name. */
    public String cliName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * Parses {@code linear}, {@code logistic} or {@code poisson}.
     *
     * @throws IllegalArgumentException listing the names if unknown
     */
    public static GlmFamily fromName(String name) {
        for (GlmFamily family : values()) {
            if (family.cliName().equalsIgnoreCase(name.trim())) {
                return family;
            }
        }
        throw new IllegalArgumentException("unknown model '" + name + "'; expected one of "
                + Arrays.stream(values()).map(GlmFamily::cliName).toList());
    }

    /**
     * Checks one response value.
     *
     * @param y the value
     * @return {@code null} if valid, otherwise the problem in words
     */
    public String responseProblem(double y) {
        if (!Double.isFinite(y)) {
            return "response " + y + " is not finite";
        }
        return switch (this) {
            case LINEAR -> null;
            case LOGISTIC ->
                y == 0.0 || y == 1.0
                        ? null
                        : "response " + y + " is not 0 or 1 (logistic regression needs binary outcomes)";
            case POISSON ->
                y >= 0 && y == Math.rint(y)
                        ? null
                        : "response " + y + " is not a non-negative whole count (Poisson regression needs counts)";
        };
    }

    @Override
    public String toString() {
        return cliName();
    }
}
