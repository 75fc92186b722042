package io.github.elbo4j.vi.model;

import io.github.elbo4j.vi.UnconstrainedDensity;

/**
 * The {@link UnconstrainedDensity} of a {@link JavaModel}: one tape per point, in plain doubles.
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
        for (int s = 0; s < count; s++) {
            System.arraycopy(z, s * d, point, 0, d);
            if (gradient == null) {
                logDensity[s] = model.logDensity(point, null);
            } else {
                logDensity[s] = model.logDensity(point, pointGradient);
                System.arraycopy(pointGradient, 0, gradient, s * d, d);
            }
        }
    }
}
