package io.github.elbo4j.vi.model;

import io.github.elbo4j.vi.ParallelPoints;
import io.github.elbo4j.vi.UnconstrainedDensity;
import java.util.Arrays;

/**
 * The {@link UnconstrainedDensity} of a {@link JavaModel}: one tape per point, in plain doubles.
 *
 * <p>Values without gradients at many points (the output draws of a fit) are evaluated in parallel
 * ({@link ParallelPoints}); each point on its own, with a fresh context per call, so the values do
 * not depend on the number of threads. Gradients, asked for a few points per optimizer step, stay
 * on the calling thread.
 */
final class JavaDensity implements UnconstrainedDensity {

    private final JavaModel model;
    private final double[] point;
    private final double[] pointGradient;

    JavaDensity(JavaModel model) {
        this.model = model;
        this.point = new double[model.dimension()];
        this.pointGradient = new double[model.dimension()];
    }

    @Override
    public void evaluate(double[] z, int count, int[] records, double[] logDensity, double[] gradient) {
        if (records != null) {
            throw new IllegalArgumentException("a Java model evaluates all its data; set batchSize to 0");
        }
        int d = point.length;
        if (gradient == null) {
            ParallelPoints.forEach(
                    count, s -> logDensity[s] = model.logDensity(Arrays.copyOfRange(z, s * d, (s + 1) * d), null));
            return;
        }
        for (int s = 0; s < count; s++) {
            System.arraycopy(z, s * d, point, 0, d);
            logDensity[s] = model.logDensity(point, pointGradient);
            System.arraycopy(pointGradient, 0, gradient, s * d, d);
        }
    }
}
