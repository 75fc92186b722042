package io.github.elbo4j.vi.model;

import static io.github.elbo4j.vi.density.Densities.cauchy;
import static io.github.elbo4j.vi.density.Densities.normal;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.github.elbo4j.vi.GaussianVi;
import io.github.elbo4j.vi.Model;
import io.github.elbo4j.vi.VariationalPosterior;
import io.github.elbo4j.vi.ViConfig;
import io.github.elbo4j.vi.autodiff.Value;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The eight schools example of {@code docs/vi-models.md}, run as written there, and a check that the
 * page still shows exactly this code.
 */
class ModelGuideTest {

    private static final String SOURCE = "elbo4j-core/src/test/java/io/github/elbo4j/vi/model/ModelGuideTest.java";
    private static final String GUIDE = "docs/vi-models.md";

    @Test
    void eightSchoolsFitsAsTheGuideShows() {
        // docs/vi-models.md example begins
        Value y = Value.constant(28, 8, -3, 7, -1, 1, 18, 12);
        Value sigma = Value.constant(15, 10, 16, 11, 9, 11, 10, 18);
        Model eightSchools = JavaModel.of(m -> {
            Value mu = m.real("mu");
            Value tau = m.positive("tau");
            Value thetaRaw = m.real("theta_raw", 8);
            Value theta = thetaRaw.times(tau).plus(mu); // non-centered: θ = μ + τ θ̃
            m.add(normal(thetaRaw, 0, 1));
            m.add(normal(y, theta, sigma));
            m.add(normal(mu, 0, 5));
            m.add(cauchy(tau, 0, 5)); // tau > 0: a half-Cauchy prior
        });
        VariationalPosterior fit =
                GaussianVi.fit(eightSchools, ViConfig.builder().build());
        // docs/vi-models.md example ends
        // Long-run NUTS (Stan, non-centered): μ ≈ 4.4 (sd 3.3), τ ≈ 3.6 (sd 3.2).
        assertThat(fit.summary("mu").get(0).mean()).isCloseTo(4.4, within(1.0));
        assertThat(fit.summary("tau").get(0).q50()).isBetween(0.5, 5.0);
        assertThat(fit.summary("theta_raw")).hasSize(8);
    }

    @Test
    void theGuideShowsThisTestsCode() throws IOException {
        Path root = repositoryRoot();
        List<String> source = Files.readAllLines(root.resolve(SOURCE));
        int begin = source.indexOf("        // docs/vi-models.md example begins");
        int end = source.indexOf("        // docs/vi-models.md example ends");
        // Compared without whitespace: the page lays the code out for reading, the formatter for the tree.
        String expected = String.join("", source.subList(begin + 1, end)).replaceAll("\\s+", "");
        Matcher block =
                Pattern.compile("```java\n(.*?)```", Pattern.DOTALL).matcher(Files.readString(root.resolve(GUIDE)));
        assertThat(block.find()).as("a java block in %s", GUIDE).isTrue();
        List<String> shown = block.group(1)
                .lines()
                .map(String::strip)
                .filter(line -> !line.startsWith("import ") && !line.isEmpty())
                .toList();
        assertThat(String.join("", shown).replaceAll("\\s+", "")).isEqualTo(expected);
    }

    private static Path repositoryRoot() {
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null && !Files.exists(dir.resolve(GUIDE))) {
            dir = dir.getParent();
        }
        assertThat(dir)
                .as("a folder holding %s above the working directory", GUIDE)
                .isNotNull();
        return dir;
    }
}
