package io.github.elbo4j.vae.run;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The version comes from the build (a filtered resource), not a placeholder. */
class VersionTest {

    @Test
    void theVersionIsTheProjectsMavenVersion() {
        assertThat(Version.elbo4j()).matches("\\d+\\.\\d+\\.\\d+(-SNAPSHOT)?");
    }
}
