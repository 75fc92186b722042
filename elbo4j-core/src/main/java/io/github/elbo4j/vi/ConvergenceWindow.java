package io.github.elbo4j.vi;

import java.util.ArrayDeque;
import java.util.Arrays;

/**
 * Stan's ADVI convergence test: the relative ELBO changes {@code |(ELBO_t − ELBO_{t−1}) / ELBO_t|}
 * of the last {@code capacity} evaluations; converged when their mean or their median is below the
 * tolerance (Stan Reference Manual, "Variational inference", convergence monitoring; Kucukelbir et
 * al., JMLR 18, 2017, §3.4). At least three changes are required so that one lucky pair of
 * evaluations cannot end a fit.
 */
final class ConvergenceWindow {

    private static final int MIN_CHANGES = 3;

    private final int capacity;
    private final double tolerance;
    private final ArrayDeque<Double> changes = new ArrayDeque<>();
    private double previous = Double.NaN;

    ConvergenceWindow(int capacity, double tolerance) {
        this.capacity = Math.max(capacity, MIN_CHANGES);
        this.tolerance = tolerance;
    }

    /**
     * Records an ELBO evaluation.
     *
     * @param elbo the new value
     * @return whether the fit has converged
     */
    boolean add(double elbo) {
        if (!Double.isNaN(previous)) {
            changes.addLast(Math.abs((elbo - previous) / elbo));
            if (changes.size() > capacity) {
                changes.removeFirst();
            }
        }
        previous = elbo;
        if (changes.size() < MIN_CHANGES) {
            return false;
        }
        double[] values = changes.stream().mapToDouble(Double::doubleValue).toArray();
        double mean = Arrays.stream(values).average().orElseThrow();
        Arrays.sort(values);
        double median = ParameterSummary.quantile(values, 0.5);
        return mean < tolerance || median < tolerance;
    }

    /** Whether the window holds {@code capacity} changes. */
    boolean isFull() {
        return changes.size() == capacity;
    }

    /** Forgets the history (after the step size changes). */
    void reset() {
        changes.clear();
        previous = Double.NaN;
    }
}
