package io.github.elbo4j.vi.fit;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class DistinctModesTest {

    private static Mode mode(double at, double logDensity, double variance) {
        return new Mode(
                new double[] {at},
                logDensity,
                true,
                1,
                new double[][] {{1 / variance}},
                new double[][] {{variance}},
                1);
    }

    @Test
    void countsOtherModesByDistanceAndLaplaceMass() {
        Mode best = mode(0, 0, 1);
        assertThat(ModeFinder.distinctModes(best, List.of(best, mode(0.1, 0, 1))))
                .as("0.1 sd away: the same")
                .isEqualTo(1);
        assertThat(ModeFinder.distinctModes(best, List.of(best, mode(5, -1, 1), mode(5.01, -1, 1))))
                .as("e⁻¹ of the mass, found twice")
                .isEqualTo(2);
        assertThat(ModeFinder.distinctModes(best, List.of(best, mode(5, -10, 1))))
                .as("e⁻¹⁰ < 1%% of the mass")
                .isEqualTo(1);
        assertThat(ModeFinder.distinctModes(best, List.of(best, mode(5, -4, 100))))
                .as("lower but 10 times wider: e⁻⁴·10 = 18%% of the mass")
                .isEqualTo(2);
        Mode notFound = new Mode(new double[] {5}, 3, false, 1, new double[][] {{1}}, null, 1);
        assertThat(ModeFinder.distinctModes(best, List.of(best, notFound))).isEqualTo(1);
    }
}
