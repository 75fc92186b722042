package io.github.elbo4j.vae.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class LearningRateScheduleTest {

    @Test
    void parsesWhatItWrites() {
        assertThat(LearningRateSchedule.parse("constant")).isEqualTo(LearningRateSchedule.CONSTANT);
        assertThat(LearningRateSchedule.parse("plateau:10")).isEqualTo(new LearningRateSchedule(10, 0.1));
        assertThat(LearningRateSchedule.parse(" Plateau:5:0.5 ")).isEqualTo(new LearningRateSchedule(5, 0.5));
        for (String spec : new String[] {"constant", "plateau:10:0.1", "plateau:3:0.25"}) {
            assertThat(LearningRateSchedule.parse(spec).toString()).isEqualTo(spec);
        }
    }

    @Test
    void reducesOnlyOnceTheEpochsWithoutImprovementReachN() {
        LearningRateSchedule schedule = LearningRateSchedule.parse("plateau:3");
        assertThat(schedule.reducesAfter(2)).isFalse();
        assertThat(schedule.reducesAfter(3)).isTrue();
        assertThat(LearningRateSchedule.CONSTANT.reducesAfter(1000)).isFalse();
        assertThat(LearningRateSchedule.CONSTANT.reducesOnPlateau()).isFalse();
    }

    @Test
    void badSpecsNameTheOptionAndTheForm() {
        for (String spec : new String[] {"plateau", "step:3", "plateau:x", "plateau:3:y", "plateau:3:0.1:2", ""}) {
            assertThatThrownBy(() -> LearningRateSchedule.parse(spec))
                    .as(spec)
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("learningRateSchedule");
        }
        assertThatThrownBy(() -> LearningRateSchedule.parse("plateau:0")).hasMessageContaining("N ≥ 1");
        assertThatThrownBy(() -> LearningRateSchedule.parse("plateau:3:1")).hasMessageContaining("(0, 1)");
        assertThatThrownBy(() -> LearningRateSchedule.parse("plateau:3:-0.5")).hasMessageContaining("(0, 1)");
    }
}
