package io.github.elbo4j.vi.fit;

import io.github.elbo4j.optim.Lbfgs;
import io.github.elbo4j.vi.UnconstrainedDensity;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Several L-BFGS ascents of one log density f run side by side, so that each round of their
 * evaluations is one batched call {@code density.evaluate(points, runs, ...)} instead of one call
 * per point. Where an evaluation has a large fixed cost (a Spark job per call, a tensor engine's
 * dispatch), R runs of k evaluations cost about k calls instead of R · k.
 *
 * <p>Each run's optimizer ({@link Lbfgs#minimize}) runs on a thread of its own and blocks at every
 * evaluation until every run still going has asked for its next point; the calling thread then
 * evaluates them all at once, in run order, and hands each its value. Every evaluation happens on
 * the calling thread, as it would without batching. Since the density treats each point of a batch
 * independently ({@link UnconstrainedDensity}), each run follows the path it would follow alone.
 *
 * <p>That costs two thread hand-offs per round, more than a closed-form density's evaluation of
 * a few microseconds, so where the density says batches do not pay off
 * ({@link UnconstrainedDensity#batchesPayOff()}) the runs climb one after the other on the
 * calling thread instead, along the same paths.
 */
final class LockstepClimbs {

    /**
     * A run's start, where f and ∇f are already known.
     *
     * @param point z
     * @param logDensity f(z)
     * @param gradient ∇f(z)
     */
    record Start(double[] point, double logDensity, double[] gradient) {}

    private final UnconstrainedDensity density;
    private final int dimension;
    /** The point each run waits on, or null; guarded by {@code this}. */
    private final double[][] requested;

    private final double[] values;
    private final double[][] gradients;
    private int waiting;
    private int finished;
    private boolean failed;

    private LockstepClimbs(UnconstrainedDensity density, int runs, int dimension) {
        this.density = density;
        this.dimension = dimension;
        this.requested = new double[runs][];
        this.values = new double[runs];
        this.gradients = new double[runs][dimension];
    }

    /**
     * Maximises f from each start with its own optimizer, evaluating the runs' points in batches.
     *
     * @param density f and ∇f
     * @param starts where each run begins (f finite there)
     * @param optimizers one per start
     * @return each run's result, for −f (its value is −f at the last iterate), in the starts' order
     */
    static List<Lbfgs.Result> maximise(UnconstrainedDensity density, List<Start> starts, List<Lbfgs> optimizers) {
        if (!density.batchesPayOff()) {
            return oneAfterAnother(density, starts, optimizers);
        }
        int runs = starts.size();
        LockstepClimbs lockstep =
                new LockstepClimbs(density, runs, starts.get(0).point().length);
        ExecutorService threads = Executors.newFixedThreadPool(runs, task -> {
            Thread thread = new Thread(task, "elbo4j-mode-run");
            thread.setDaemon(true);
            return thread;
        });
        try {
            List<Future<Lbfgs.Result>> results = new ArrayList<>();
            for (int r = 0; r < runs; r++) {
                int run = r;
                results.add(threads.submit(() -> {
                    try {
                        return optimizers
                                .get(run)
                                .minimize(
                                        lockstep.objective(run, starts.get(run)),
                                        starts.get(run).point(),
                                        (i, f, s) -> {});
                    } finally {
                        lockstep.finish();
                    }
                }));
            }
            lockstep.serve();
            List<Lbfgs.Result> collected = new ArrayList<>();
            for (Future<Lbfgs.Result> result : results) {
                collected.add(result.get());
            }
            return collected;
        } catch (ExecutionException e) {
            throw e.getCause() instanceof RuntimeException runtime ? runtime : new IllegalStateException(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while searching for the mode", e);
        } finally {
            threads.shutdownNow();
        }
    }

    /**
     * The runs one after the other on the calling thread, each point evaluated alone: the same
     * paths as side by side, without a thread hand-off per evaluation, for a density whose calls
     * have no fixed cost worth sharing.
     */
    private static List<Lbfgs.Result> oneAfterAnother(
            UnconstrainedDensity density, List<Start> starts, List<Lbfgs> optimizers) {
        int dimension = starts.get(0).point().length;
        double[] value = new double[1];
        List<Lbfgs.Result> results = new ArrayList<>();
        for (int run = 0; run < starts.size(); run++) {
            Start start = starts.get(run);
            Lbfgs.Objective objective = negated(start, dimension, (x, gradient) -> {
                density.evaluate(x, 1, null, value, gradient);
                return value[0];
            });
            results.add(optimizers.get(run).minimize(objective, start.point(), (i, f, s) -> {}));
        }
        return results;
    }

    /** −f for run {@code run}: its start's known value first, then one batched evaluation per call. */
    private Lbfgs.Objective objective(int run, Start start) {
        return negated(start, dimension, (x, gradient) -> await(run, x, gradient));
    }

    /** −f from f: the start's known value and gradient at the first call, {@code f} after it. */
    private static Lbfgs.Objective negated(Start start, int dimension, Lbfgs.Objective f) {
        boolean[] atStart = {true};
        return (x, gradient) -> {
            double value;
            if (atStart[0]) {
                atStart[0] = false;
                System.arraycopy(start.gradient(), 0, gradient, 0, dimension);
                value = start.logDensity();
            } else {
                value = f.valueAndGradient(x, gradient);
            }
            for (int i = 0; i < dimension; i++) {
                gradient[i] = -gradient[i];
            }
            return -value;
        };
    }

    /** Called on a run's thread: queues x and blocks until the calling thread has evaluated the round. */
    private synchronized double await(int run, double[] x, double[] gradient) {
        requested[run] = x.clone();
        waiting++;
        notifyAll();
        while (requested[run] != null) {
            if (failed) {
                throw new IllegalStateException("another run's evaluation failed");
            }
            try {
                wait();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while searching for the mode", e);
            }
        }
        System.arraycopy(gradients[run], 0, gradient, 0, dimension);
        return values[run];
    }

    private synchronized void finish() {
        finished++;
        notifyAll();
    }

    /** On the calling thread: evaluates each round once every unfinished run waits, until all have finished. */
    private synchronized void serve() throws InterruptedException {
        int runs = requested.length;
        while (true) {
            while (waiting + finished < runs) {
                wait();
            }
            if (waiting == 0) {
                return;
            }
            int count = waiting;
            double[] points = new double[count * dimension];
            int[] order = new int[count];
            for (int r = 0, k = 0; r < runs; r++) {
                if (requested[r] != null) {
                    System.arraycopy(requested[r], 0, points, k * dimension, dimension);
                    order[k++] = r;
                }
            }
            double[] roundValues = new double[count];
            double[] roundGradients = new double[count * dimension];
            try {
                density.evaluate(points, count, null, roundValues, roundGradients);
            } catch (RuntimeException e) {
                failed = true;
                notifyAll();
                throw e;
            }
            for (int k = 0; k < count; k++) {
                int r = order[k];
                values[r] = roundValues[k];
                System.arraycopy(roundGradients, k * dimension, gradients[r], 0, dimension);
                requested[r] = null;
            }
            waiting = 0;
            notifyAll();
        }
    }
}
