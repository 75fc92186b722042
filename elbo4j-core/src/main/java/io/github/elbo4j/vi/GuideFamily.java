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
    FULL_RANK("full-rank"),
    /**
     * The default: {@link #FULL_RANK} up to {@value #AUTO_FULL_RANK_LIMIT} unconstrained coordinates,
     * else {@link #MEAN_FIELD} with linear-response covariances (DADVI). Real posteriors are
     * correlated, and mean-field's marginal sds are then too small; full-rank represents the
     * correlations at O(D²) parameters, and beyond a few hundred coordinates linear response corrects
     * mean-field's covariance at the optimum instead. {@link #resolve(int)} says which.
     */
    AUTO("auto");

    /** The largest dimension {@link #AUTO} fits full-rank. */
    public static final int AUTO_FULL_RANK_LIMIT = 200;

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
     * Parses {@code mean-field}, {@code low-rank}, {@code full-rank} or {@code auto}
     * (case-insensitive; {@code _} also accepted).
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

    /**
     * The family a fit of D unconstrained coordinates uses: this one, or for {@link #AUTO} full-rank
     * up to {@value #AUTO_FULL_RANK_LIMIT} coordinates and mean-field beyond.
     *
     * @param dimension D
     * @return a concrete family (never {@link #AUTO})
     */
    public GuideFamily resolve(int dimension) {
        return this != AUTO ? this : dimension <= AUTO_FULL_RANK_LIMIT ? FULL_RANK : MEAN_FIELD;
    }

    /** Creates the guide of this family for D unconstrained coordinates. */
    GaussianGuide create(int dimension, int rank) {
        return switch (resolve(dimension)) {
            case MEAN_FIELD -> new MeanFieldGuide(dimension);
            case LOW_RANK -> new LowRankGuide(dimension, rank);
            case FULL_RANK -> new FullRankGuide(dimension);
            case AUTO -> throw new IllegalStateException("resolve() never returns AUTO");
        };
    }

    @Override
    public String toString() {
        return cliName;
    }
}
