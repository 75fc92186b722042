package io.github.elbo4j.vi.glm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** Priors whose scale would make the density non-finite are refused when given, and print short. */
class PriorLimitsTest {

    @Test
    void refusesScalesWhoseDensityOverflows() {
        assertThatThrownBy(() -> RegressionPrior.parse("exponential(1e300)"))
                .hasMessage("exponential rate 1E+300 makes the density non-finite (its square or inverse square"
                        + " overflows); use a value between 1e-150 and 1e150");
        assertThatThrownBy(() -> RegressionPrior.parse("normal(0,1e-300)"))
                .hasMessageStartingWith("normal scale 1E-300 makes the density non-finite");
        assertThatThrownBy(() -> RegressionPrior.parse("cauchy(0, 1e200)")).hasMessageContaining("non-finite");
        assertThatThrownBy(() -> RegressionPrior.parse("student_t(3, 0, 1e-160)"))
                .hasMessageContaining("non-finite");
    }

    @Test
    void acceptsWideButUsableScalesAndPrintsThemInScientificNotation() {
        RegressionPrior wide = RegressionPrior.parse("normal(0, 1e100)");
        assertThat(Double.isFinite(wide.logDensity(1e100, false))).isTrue();
        assertThat(wide.toString()).isEqualTo("normal(0, 1E+100)");
        assertThat(RegressionPrior.parse("normal(0, 1e-9)").toString()).isEqualTo("normal(0, 1E-9)");
        assertThat(RegressionPrior.parse("normal(0, 5.6381)").toString()).isEqualTo("normal(0, 5.638)");
        assertThat(RegressionPrior.parse("exponential(123456789012345)").toString())
                .isEqualTo("exponential(123500000000000)");
    }
}
