package io.github.elbo4j.bench.posteriordb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.abort;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.github.elbo4j.bench.posteriordb.models.PosteriorDbModels;
import io.github.elbo4j.vi.ViMethod;
import io.github.elbo4j.vi.model.JavaModel;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Issue 19's yardstick as tests, on every posterior of the posteriordb set that has a model: the
 * default fit is right (every mean within 0.1 reference sd, every sd within 10%) or says it is
 * unreliable (acceptance 1), and no fit by a deterministic method says it converged and is reliable
 * while a mean is more than 0.5 sd off (acceptance 2). Skipped where the set is not beside the
 * repository.
 *
 * <p>A posterior in {@link #KNOWN_TO_FAIL} whose default fit is reliable yet not right (acceptance 1)
 * aborts its test with the measured report (JUnit counts it as skipped, with the reason) instead of
 * failing the build: each entry is a defect of the fitting methods, measured and reported, to be
 * removed when it is fixed. Acceptance 2 is asserted first, for every posterior: no entry excuses a
 * fit that says converged and reliable while a mean is more than 0.5 sd off. An entry passes like
 * any other when it no longer fails.
 */
class PosteriorDbTest {

    /** The posteriors of the set written with no model here. */
    private static final List<String> NOT_WRITTEN = List.of();

    /**
     * Every method but stochastic ADVI, whose fits take seconds each (up to 11 s on arma11 on two
     * shared cores); PosteriorDbBenchmark checks ADVI's verdicts the same way.
     */
    private static final List<FitMethod> DETERMINISTIC = FitMethod.all().stream()
            .filter(method -> method.config().method() != ViMethod.ADVI)
            .toList();

    /**
     * Measured defects of the current default fit, by posterior, with the measured numbers (see the
     * class comment): reliable, within 0.5 sd, but not within issue 19's bar. None today: mesquite
     * (σ's sd 10.6% narrow) and sblri-blr (a mean 0.11 sd off through the Monte Carlo error of the
     * draws) left when the summaries became importance-weighted, with centred draws, 4,000 of them.
     */
    private static final Map<String, String> KNOWN_TO_FAIL = Map.of();

    static Stream<String> posteriors() throws IOException {
        Path set = Posterior.locateSet().orElse(null);
        assumeTrue(set != null, "no shared/data/posteriordb-set beside the repository: skipped");
        return Posterior.names(set).stream().filter(name -> !NOT_WRITTEN.contains(name));
    }

    @Test
    void everyPosteriorOfTheSetHasAModel() throws IOException {
        assertThat(posteriors().toList()).containsExactlyInAnyOrderElementsOf(PosteriorDbModels.posteriors());
    }

    @ParameterizedTest
    @MethodSource("posteriors")
    void theDefaultFitIsRightOrSaysItIsUnreliableAndNoFitMisleads(String name) throws IOException {
        Posterior posterior = Posterior.load(Posterior.locateSet().orElseThrow(), name);
        JavaModel model = PosteriorDbModels.of(name, posterior.data()).orElseThrow();
        List<FitReport> reports = DETERMINISTIC.stream()
                .map(method -> PosteriorFitter.fit(posterior, model, method))
                .toList();
        FitReport byDefault = reports.get(0);
        List<FitReport> misleading =
                reports.stream().filter(FitReport::misleading).toList();
        assertThat(misleading)
                .as("%s: fits converged and reliable with a mean over 0.5 sd off", name)
                .isEmpty();
        if (KNOWN_TO_FAIL.containsKey(name) && !byDefault.rightOrFlagged()) {
            abort("known to fail: " + KNOWN_TO_FAIL.get(name) + "; measured " + byDefault);
        }
        assertThat(byDefault.rightOrFlagged())
                .as("%s: default fit reliable but wrong: %s", name, byDefault)
                .isTrue();
    }

    @Test
    void dataWithoutAFieldTheModelReadsIsAOneLineErrorNamingFileAndField() throws IOException {
        Path set = Posterior.locateSet().orElse(null);
        assumeTrue(set != null, "no shared/data/posteriordb-set beside the repository: skipped");
        Posterior schools = Posterior.load(set, "eight_schools-eight_schools_noncentered");
        assertThatThrownBy(() -> PosteriorDbModels.of("kidiq-kidscore_momiq", schools.data()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(schools.folder().resolve("data.json") + ": field 'N' is missing (fields: J, y, sigma)");
    }
}
