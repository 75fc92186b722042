package io.github.elbo4j.vi.model;

import io.github.elbo4j.vi.UnconstrainedDensity;
import java.util.stream.IntStream;

/**
 * The {@link UnconstrainedDensity} of a {@link JavaModel}: one tape per point, in plain doubles.
 *
 * <p>Values without gradients at many points (the output draws of a fit, 4,000 by default) are
 * evaluated in parallel, in contiguous chunks on the common fork-join pool: for long time series
 * these evaluations dominate the fit time. Each point is evaluated on its own (a fresh context per
 * call), so the values are the same, bit for bit, as one after another, whatever the number of
 * threads. Gradients, asked for a few points per optimizer step, stay on the calling thread.
 */
final class JavaDensity implements UnconstrainedDensity {

    /** Below this many points, starting parallel work costs more than it saves. */
    static final int PARALLEL_MIN_POINTS = 256;

    /** Points per parallel task: coarse enough to amortise scheduling, fine enough to balance. */
    private static final int CHUNK_POINTS = 64;

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
        if (gradient == null && count >= PARALLEL_MIN_POINTS) {
            valuesInParallel(z, count, logDensity);
            return;
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

    /**
     * The values at {@code count} points, chunk by chunk in parallel. A failure is rethrown as the
     * sequential loop would throw it: the original exception (not one wrapped by the pool), from
     * the first point that fails.
     */
    void valuesInParallel(double[] z, int count, double[] logDensity) {
        int d = point.length;
        int chunks = (count + CHUNK_POINTS - 1) / CHUNK_POINTS;
        RuntimeException[] failures = new RuntimeException[chunks];
        IntStream.range(0, chunks).parallel().forEach(c -> {
            double[] chunkPoint = new double[d];
            int end = Math.min(count, (c + 1) * CHUNK_POINTS);
            try {
                for (int s = c * CHUNK_POINTS; s < end; s++) {
                    System.arraycopy(z, s * d, chunkPoint, 0, d);
                    logDensity[s] = model.logDensity(chunkPoint, null);
                }
            } catch (RuntimeException e) {
                failures[c] = e;
            }
        });
        for (RuntimeException failure : failures) {
            if (failure != null) {
                throw failure;
            }
        }
    }
}
