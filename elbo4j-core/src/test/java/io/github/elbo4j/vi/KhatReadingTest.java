package io.github.elbo4j.vi;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class KhatReadingTest {

    @Test
    void aLargeKhatOfNearlyUniformWeightsDoesNotReadUnreliable() {
        assertThat(KhatReading.of(1.12, 0.99)).isEqualTo(KhatReading.NEARLY_UNIFORM);
        assertThat(KhatReading.of(1.12, 0.5)).isEqualTo(KhatReading.UNRELIABLE);
        assertThat(KhatReading.of(Double.NaN, 0.99)).isEqualTo(KhatReading.UNRELIABLE);
        assertThat(KhatReading.of(0.3, 0.99)).isEqualTo(KhatReading.GOOD);
        assertThat(KhatReading.of(0.6, 0.2)).isEqualTo(KhatReading.USABLE);
    }
}
