package io.github.elbo4j.bench.posteriordb;

import io.github.elbo4j.vi.GuideFamily;
import io.github.elbo4j.vi.ViConfig;
import io.github.elbo4j.vi.ViMethod;
import java.util.List;

/**
 * One way of fitting a posterior: a label for the table and the settings.
 *
 * @param label what the table calls it, e.g. {@code dadvi full-rank}
 * @param config the settings, the library's defaults except the method and family named
 */
public record FitMethod(String label, ViConfig config) {

    /** The library's defaults, {@link ViConfig#builder()} untouched: what a new user gets. */
    public static final FitMethod DEFAULT = defaults(ViConfig.builder().build());

    /**
     * Every method and family the benchmark compares, the default first.
     *
     * @return the methods
     */
    public static List<FitMethod> all() {
        return List.of(
                DEFAULT,
                of(ViMethod.DADVI, GuideFamily.FULL_RANK),
                of(ViMethod.ADVI, GuideFamily.MEAN_FIELD),
                of(ViMethod.ADVI, GuideFamily.FULL_RANK),
                of(ViMethod.PATHFINDER, GuideFamily.FULL_RANK),
                of(ViMethod.LAPLACE, GuideFamily.FULL_RANK));
    }

    /** Labelled with what the defaults are, so that the table stays true when they change. */
    private static FitMethod defaults(ViConfig config) {
        return new FitMethod(
                "default (" + config.method().cliName() + " " + config.family().cliName() + ")", config);
    }

    private static FitMethod of(ViMethod method, GuideFamily family) {
        String label = method == ViMethod.PATHFINDER || method == ViMethod.LAPLACE
                ? method.cliName()
                : method.cliName() + " " + family.cliName();
        return new FitMethod(
                label, ViConfig.builder().method(method).family(family).build());
    }

    /**
     * @param seed a seed
     * @return these settings with that seed
     */
    public FitMethod withSeed(long seed) {
        return new FitMethod(label, config.withSeed(seed));
    }
}
