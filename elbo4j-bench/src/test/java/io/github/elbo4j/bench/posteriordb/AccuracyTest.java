package io.github.elbo4j.bench.posteriordb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AccuracyTest {

    private static final Map<String, Moments> REFERENCE = ordered(
            "beta[1]", new Moments(25.9, 6.0), "beta[2]", new Moments(0.6, 0.06), "sigma", new Moments(18.3, 0.6));

    @Test
    void picksTheWorstMeanInReferenceSdsAndTheSdRatioFarthestFromOne() {
        Accuracy accuracy = Accuracy.of(
                REFERENCE,
                ordered(
                        "beta[1]",
                        new Moments(25.3, 6.3),
                        "beta[2]",
                        new Moments(0.63, 0.066),
                        "sigma",
                        new Moments(18.33, 0.5),
                        "lp__",
                        new Moments(-1000, 1)));
        assertThat(accuracy.worstMeanParameter()).isEqualTo("beta[2]");
        assertThat(accuracy.worstMeanError()).isCloseTo(0.5, within(1e-9));
        assertThat(accuracy.worstSdParameter()).isEqualTo("sigma");
        assertThat(accuracy.worstSdRatio()).isCloseTo(0.5 / 0.6, within(1e-12));
        assertThat(accuracy.worstSdError()).isCloseTo(1 / 6.0, within(1e-12));
        assertThat(accuracy.passes()).isFalse();
    }

    @Test
    void passesOnlyWithEveryMeanWithinATenthOfAnSdAndEverySdWithinTenPercent() {
        assertThat(Accuracy.of(
                                REFERENCE,
                                ordered(
                                        "beta[1]",
                                        new Moments(26.4, 5.5),
                                        "beta[2]",
                                        new Moments(0.605, 0.06),
                                        "sigma",
                                        new Moments(18.3, 0.65)))
                        .passes())
                .isTrue();
        assertThat(Accuracy.of(
                                REFERENCE,
                                ordered(
                                        "beta[1]",
                                        new Moments(26.6, 6.0),
                                        "beta[2]",
                                        new Moments(0.6, 0.06),
                                        "sigma",
                                        new Moments(18.3, 0.6)))
                        .passes())
                .isFalse();
        assertThat(Accuracy.of(
                                REFERENCE,
                                ordered(
                                        "beta[1]",
                                        new Moments(25.9, 6.0),
                                        "beta[2]",
                                        new Moments(0.6, 0.0665),
                                        "sigma",
                                        new Moments(18.3, 0.6)))
                        .passes())
                .isFalse();
    }

    @Test
    void aDivergedFitIsInfinitelyWrong() {
        Accuracy accuracy = Accuracy.of(
                REFERENCE,
                ordered(
                        "beta[1]",
                        new Moments(Double.NaN, Double.NaN),
                        "beta[2]",
                        new Moments(0.6, 0.06),
                        "sigma",
                        new Moments(18.3, 0.6)));
        assertThat(accuracy.worstMeanError()).isInfinite();
        assertThat(accuracy.worstSdRatio()).isInfinite();
        assertThat(accuracy.passes()).isFalse();
    }

    @Test
    void aParameterTheFitLacksIsNamed() {
        assertThatThrownBy(() -> Accuracy.of(REFERENCE, ordered("beta[1]", new Moments(0, 1))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("the fit has no parameter 'beta[2]' (it has beta[1])");
    }

    @Test
    void momentsOfDrawsUseTheSampleSd() {
        Moments moments = Moments.of(new double[] {1, 2, 3, 4});
        assertThat(moments.mean()).isEqualTo(2.5);
        assertThat(moments.sd()).isCloseTo(Math.sqrt(5 / 3.0), within(1e-12));
    }

    private static Map<String, Moments> ordered(Object... namesAndMoments) {
        Map<String, Moments> map = new LinkedHashMap<>();
        for (int i = 0; i < namesAndMoments.length; i += 2) {
            map.put((String) namesAndMoments[i], (Moments) namesAndMoments[i + 1]);
        }
        return map;
    }
}
