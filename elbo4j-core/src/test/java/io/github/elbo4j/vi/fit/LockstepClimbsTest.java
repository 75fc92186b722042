package io.github.elbo4j.vi.fit;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.elbo4j.vi.UnconstrainedDensity;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class LockstepClimbsTest {

    /**
     * A skewed two-dimensional log density (a Rosenbrock-like banana plus a Gaussian tail) that
     * counts its calls and points and says whether batches pay off.
     */
    private static final class Banana implements UnconstrainedDensity {
        final boolean batches;
        final AtomicInteger calls = new AtomicInteger();
        final AtomicInteger points = new AtomicInteger();

        Banana(boolean batches) {
            this.batches = batches;
        }

        @Override
        public void evaluate(double[] z, int count, int[] records, double[] logDensity, double[] gradient) {
            calls.incrementAndGet();
            points.addAndGet(count);
            for (int s = 0; s < count; s++) {
                double x = z[2 * s];
                double y = z[2 * s + 1];
                double bend = y - x * x;
                logDensity[s] = -0.5 * x * x - 2 * bend * bend - 0.1 * Math.pow(x - 1, 4);
                if (gradient != null) {
                    gradient[2 * s] = -x + 8 * bend * x - 0.4 * Math.pow(x - 1, 3);
                    gradient[2 * s + 1] = -4 * bend;
                }
            }
        }

        @Override
        public boolean batchesPayOff() {
            return batches;
        }
    }

    @Test
    void climbingSideBySideOrOneAfterAnotherFindsTheSameModeBitForBit() {
        Banana batched = new Banana(true);
        Banana alone = new Banana(false);
        Mode sideBySide = ModeFinder.find(batched, 2, new SplittableRandom(7));
        Mode oneAfterAnother = ModeFinder.find(alone, 2, new SplittableRandom(7));

        assertThat(oneAfterAnother.point()).containsExactly(sideBySide.point());
        assertThat(oneAfterAnother.logDensity()).isEqualTo(sideBySide.logDensity());
        assertThat(oneAfterAnother.modes()).isEqualTo(sideBySide.modes());
        assertThat(alone.points.get())
                .as("the same points evaluated either way")
                .isEqualTo(batched.points.get());
        assertThat(batched.calls.get())
                .as("side by side, the runs' points share calls")
                .isLessThan(batched.points.get() / 3);
    }
}
