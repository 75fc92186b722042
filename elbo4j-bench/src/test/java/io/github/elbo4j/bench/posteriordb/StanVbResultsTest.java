package io.github.elbo4j.bench.posteriordb;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StanVbResultsTest {

    @Test
    void groupsTheRowsOfEachRunAndKeepsFailedRuns(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve("stan-vb.csv"), """
                posterior,method,seed,seconds,pareto_k,status,parameter,mean,sd
                kidiq,stan-meanfield,1,0.25,0.81,ok,beta[1],25.1,5.2
                kidiq,stan-meanfield,1,0.25,0.81,ok,sigma,18.2,0.6
                kidiq,stan-meanfield,2,0.5,NA,ok,beta[1],24.0,5.0
                kidiq,stan-meanfield,2,0.5,NA,ok,sigma,18.0,0.7
                kidiq,stan-fullrank,1,1.5,,error: all draws rejected,,,
                kidiq,stan-fullrank,2,1.25,Inf,ok,beta[1],NaN,Inf
                """);
        Files.writeString(dir.resolve("stan-compile.csv"), """
                posterior,compile_seconds,status
                kidiq,61.5,ok
                ode,,error: no integrate_ode_bdf
                """);
        StanVbResults results = StanVbResults.read(dir);
        assertThat(results.fits("kidiq", "stan-meanfield")).hasSize(2).first().satisfies(fit -> {
            assertThat(fit.seed()).isEqualTo(1);
            assertThat(fit.seconds()).isEqualTo(0.25);
            assertThat(fit.paretoK()).isEqualTo(0.81);
            assertThat(fit.succeeded()).isTrue();
            assertThat(fit.moments()).containsOnlyKeys("beta[1]", "sigma");
            assertThat(fit.moments().get("sigma")).isEqualTo(new Moments(18.2, 0.6));
        });
        assertThat(results.fits("kidiq", "stan-meanfield").get(1).paretoK()).isNaN();
        assertThat(results.fits("kidiq", "stan-fullrank")).hasSize(2).first().satisfies(fit -> {
            assertThat(fit.succeeded()).isFalse();
            assertThat(fit.status()).isEqualTo("error: all draws rejected");
            assertThat(fit.moments()).isEmpty();
        });
        assertThat(results.fits("kidiq", "stan-fullrank").get(1)).satisfies(fit -> {
            assertThat(fit.paretoK()).isInfinite();
            assertThat(fit.moments().get("beta[1]").mean()).isNaN();
            assertThat(fit.moments().get("beta[1]").sd()).isInfinite();
        });
        assertThat(results.fits("earnings", "stan-meanfield")).isEmpty();
        assertThat(results.compileSeconds("kidiq")).hasValue(61.5);
        assertThat(results.compileSeconds("ode")).isEmpty();
    }
}
