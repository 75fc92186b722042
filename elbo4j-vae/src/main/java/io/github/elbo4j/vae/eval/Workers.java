package io.github.elbo4j.vae.eval;

import io.github.elbo4j.data.SettingException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.IntFunction;

/**
 * A fixed set of worker threads that each run one task and are waited for together.
 *
 * <p>Tensor operations on small models scale poorly inside one operation (a 100×784 by 784×200
 * product is too small to split well), but the engine has no global lock, so independent shards of
 * a batch run in parallel on JVM threads, each with one intra-op thread. With one worker, tasks run
 * on the calling thread.
 */
public final class Workers implements AutoCloseable {

    private final int count;
    private final ExecutorService pool;

    /** {@code count} workers (at least 1). */
    public Workers(int count) {
        if (count < 1) {
            throw new SettingException("workers must be at least 1, got " + count, "workers");
        }
        this.count = count;
        this.pool = count == 1
                ? null
                : Executors.newFixedThreadPool(count, task -> {
                    Thread thread = new Thread(task, "elbo4j-worker");
                    thread.setDaemon(true);
                    return thread;
                });
    }

    /** Number of workers. */
    public int count() {
        return count;
    }

    /**
     * Runs {@code task.apply(w)} for every worker w = 0..count−1 and returns the results in worker
     * order; a failure of any task is rethrown after all have finished.
     */
    public <T> List<T> run(IntFunction<T> task) {
        List<T> results = new ArrayList<>(count);
        if (pool == null) {
            results.add(task.apply(0));
            return results;
        }
        List<Future<T>> futures = new ArrayList<>(count);
        for (int w = 0; w < count; w++) {
            int worker = w;
            futures.add(pool.submit(() -> task.apply(worker)));
        }
        RuntimeException failure = null;
        for (Future<T> future : futures) {
            try {
                results.add(future.get());
            } catch (ExecutionException e) {
                Throwable cause = e.getCause();
                if (failure == null) {
                    failure = cause instanceof RuntimeException r ? r : new IllegalStateException(cause);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for workers", e);
            }
        }
        if (failure != null) {
            throw failure;
        }
        return results;
    }

    @Override
    public void close() {
        if (pool != null) {
            pool.shutdownNow();
        }
    }
}
