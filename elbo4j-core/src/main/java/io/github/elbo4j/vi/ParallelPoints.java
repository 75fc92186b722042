package io.github.elbo4j.vi;

import java.util.function.IntConsumer;
import java.util.stream.IntStream;

/**
 * Work on many independent points (the output draws of a fit, 4,000 by default) spread over the
 * common fork-join pool in contiguous chunks: for long time series, evaluating the model at the
 * draws dominates the fit time. Each point must be computed on its own and written to its own
 * slot, so the results are the same, bit for bit, as one point after another, whatever the number
 * of threads.
 */
public final class ParallelPoints {

    /** Below this many points, starting parallel work costs more than it saves. */
    public static final int MIN_POINTS = 256;

    /** Points per parallel task: coarse enough to amortise scheduling, fine enough to balance. */
    private static final int CHUNK_POINTS = 64;

    private ParallelPoints() {}

    /**
     * Runs {@code perPoint} for points {@code 0..count−1}: in parallel chunks from
     * {@link #MIN_POINTS} points, else in order on the calling thread. A failure is rethrown as the
     * sequential loop would throw it: the original exception (not one wrapped by the pool), from the
     * first point that fails.
     *
     * @param count the number of points
     * @param perPoint the work for one point, safe to run concurrently for different points
     */
    public static void forEach(int count, IntConsumer perPoint) {
        if (count < MIN_POINTS) {
            for (int s = 0; s < count; s++) {
                perPoint.accept(s);
            }
            return;
        }
        int chunks = (count + CHUNK_POINTS - 1) / CHUNK_POINTS;
        RuntimeException[] failures = new RuntimeException[chunks];
        IntStream.range(0, chunks).parallel().forEach(c -> {
            int end = Math.min(count, (c + 1) * CHUNK_POINTS);
            try {
                for (int s = c * CHUNK_POINTS; s < end; s++) {
                    perPoint.accept(s);
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
