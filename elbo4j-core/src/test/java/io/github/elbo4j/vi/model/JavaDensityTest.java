package io.github.elbo4j.vi.model;

import static io.github.elbo4j.vi.density.Densities.normal;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.elbo4j.vi.UnconstrainedDensity;
import io.github.elbo4j.vi.autodiff.Value;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class JavaDensityTest {

    private static double[] randomPoints(int count, int d, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        double[] z = new double[count * d];
        for (int i = 0; i < z.length; i++) {
            z[i] = random.nextGaussian();
        }
        return z;
    }

    @Test
    void valuesAtManyPointsInParallelAreBitIdenticalToOneAfterAnother() {
        JavaModel model = JavaModelTest.eightSchools();
        int d = model.dimension();
        int count = 1_537; // not a multiple of the chunk size
        double[] z = randomPoints(count, d, 19);
        double[] sequential = new double[count];
        double[] point = new double[d];
        for (int s = 0; s < count; s++) {
            System.arraycopy(z, s * d, point, 0, d);
            sequential[s] = model.logDensity(point, null);
        }
        UnconstrainedDensity density = model.unconstrainedDensity();
        double[] parallel = new double[count];
        density.evaluate(z, count, null, parallel, null);

        assertThat(count).isGreaterThanOrEqualTo(io.github.elbo4j.vi.ParallelPoints.MIN_POINTS);
        assertThat(parallel).containsExactly(sequential);
        double[] again = new double[count];
        density.evaluate(z, count, null, again, null);
        assertThat(again).containsExactly(sequential);
    }

    @Test
    void aFailureInParallelIsTheOriginalErrorOfTheFirstFailingPoint() {
        // The model fails wherever x > 2; the points are ordered so that many chunks fail.
        JavaModel model = JavaModel.of(m -> {
            Value x = m.real("x");
            if (x.doubleValue() > 2) {
                throw new IllegalStateException("x = " + x.doubleValue());
            }
            m.add(normal(x, 0, 1));
        });
        int count = 1_000;
        double[] z = new double[count];
        for (int s = 0; s < count; s++) {
            z[s] = s / 100.0;
        }
        double[] values = new double[count];

        assertThatThrownBy(() -> model.unconstrainedDensity().evaluate(z, count, null, values, null))
                .isInstanceOf(ModelException.class)
                .hasMessageContaining("x = 2.01")
                .hasMessageNotContaining("java.lang.");
    }
}
