package io.github.elbo4j.vi;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

import java.util.Arrays;
import java.util.Locale;

/**
 * The Gaussian variational families over the unconstrained parameter space (Kucukelbir et al.,
 * "Automatic Differentiation Variational Inference", JMLR 18, 2017; Ong, Nott and Smith,
 * "Gaussian variational approximation with a factor covariance structure", JCGS 27, 2018).
 */
public enum GuideFamily {
    /** N(μ, diag σ²): 2D parameters, independent coordinates (ADVI's meanfield). */
    MEAN_FIELD("mean-field"),
    /** N(μ, W Wᵀ + diag d²) with W of rank r: correlations through r factors. */
    LOW_RANK("low-rank"),
    /** N(μ, L Lᵀ) with a lower-triangular Cholesky factor L (ADVI's fullrank). */
    FULL_RANK("full-rank");

    private final String cliName;

    GuideFamily(String cliName) {
        this.cliName = cliName;
    }

    /** The kebab-case name used on the command line. */
    @JsonValue
    public String cliName() {
        return cliName;
    }

    /**
     * Parses {@code mean-field}, {@code low-rank} or {@code full-rank} (case-insensitive; {@code _}
     * also accepted).
     *
     * @param name the family name
     * @return the family
     * @throws IllegalArgumentException listing the names if unknown
     */
    @JsonCreator
    public static GuideFamily fromName(String name) {
        String normal = name.trim().toLowerCase(Locale.ROOT).replace('_', '-');
        for (GuideFamily family : values()) {
            if (family.cliName.equals(normal)) {
                return family;
            }
        }
        throw new IllegalArgumentException("unknown guide family '" + name + "'; expected one of "
                + Arrays.stream(values()).map(GuideFamily::cliName).toList());
    }

    /** Creates the guide of this family for D unconstrained coordinates. */
    GaussianGuide create(int dimension, int rank) {
        return switch (this) {
            case MEAN_FIELD -> new MeanFieldGuide(dimension);
            case LOW_RANK -> new LowRankGuide(dimension, rank);
            case FULL_RANK -> new FullRankGuide(dimension);
        };
    }

    @Override
    public String toString() {
        return cliName;
    }
}
