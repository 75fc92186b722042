package io.github.elbo4j.vae.internal;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * {@link Gemm} products split by rows over the calling thread and helper threads.
 *
 * <p>Each row of C has one owner and is the same sum as on one thread, so results do not depend on
 * the number of threads. A training step of the standard model makes 18 products of 0.02–0.4 ms,
 * separated by elementwise passes of a few microseconds to about 0.3 ms; handing each product to a
 * pool thread (a task and a future) cost about what the second core saved. The helpers therefore
 * wait for the next product by spinning, and park only after {@link #SPIN_NANOS} without one
 * (between epochs, during validation). A product is cut into one share of rows per thread, and
 * each thread, the caller included, claims shares until none is left: on a loaded machine a helper
 * that is not running leaves its share to the caller rather than stall the step. Not thread-safe:
 * one caller.
 */
public final class ParallelGemm implements AutoCloseable {

    /** How long a helper spins for the next product before it parks: longer than a step's gaps. */
    static final long SPIN_NANOS = 500_000;

    private final int size;
    private final Thread[] helpers;
    /** Shares of the current product or job computed so far. */
    private final AtomicInteger finished = new AtomicInteger();
    /** The current generation (high 32 bits) and its next unclaimed share (low 32 bits). */
    private final AtomicLong claims = new AtomicLong();
    /** The product being computed; published to the helpers by the write of {@link #issued}. */
    private float[] a;

    private int aOff;
    private int aRow;
    private int aCol;
    private float[] b;
    private int bOff;
    private int ldb;
    private float[] c;
    private int cOff;
    private int ldc;
    private int m;
    private int k;
    private int n;
    private boolean accumulate;
    /** The job being run instead of a product ({@link #forRange}), or null; published like a product. */
    private Range range;

    private int count;
    private volatile long issued;
    private volatile boolean closed;
    private volatile Throwable failure;

    /** A team of {@code threads} threads, the caller included; 1 computes every product on the caller. */
    public ParallelGemm(int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("a team needs at least one thread, got " + threads);
        }
        size = threads;
        helpers = new Thread[threads - 1];
        for (int i = 0; i < helpers.length; i++) {
            int share = i + 1;
            helpers[i] = new Thread(this::help, "elbo4j-products-" + share);
            helpers[i].setDaemon(true);
            helpers[i].start();
        }
    }

    /** {@link Gemm#multiply} with the same arguments, its rows shared among the team. */
    void multiply(
            float[] a,
            int aOff,
            int aRow,
            int aCol,
            float[] b,
            int bOff,
            int ldb,
            float[] c,
            int cOff,
            int ldc,
            int m,
            int k,
            int n,
            boolean accumulate) {
        if (size == 1 || m < 2 * Gemm.ROWS * size) {
            Gemm.multiply(a, aOff, aRow, aCol, b, bOff, ldb, c, cOff, ldc, m, k, n, accumulate);
            return;
        }
        this.a = a;
        this.aOff = aOff;
        this.aRow = aRow;
        this.aCol = aCol;
        this.b = b;
        this.bOff = bOff;
        this.ldb = ldb;
        this.c = c;
        this.cOff = cOff;
        this.ldc = ldc;
        this.m = m;
        this.k = k;
        this.n = n;
        this.accumulate = accumulate;
        this.range = null;
        runTeam();
    }

    /** A job over indices [from, to), whose shares write disjoint memory. */
    @FunctionalInterface
    interface Range {
        void run(int from, int to);
    }

    /**
     * Runs {@code job} over [0, count), one contiguous share of the indices per thread: the
     * elementwise and data-movement passes of a step, which then keep the helpers spinning
     * between products. Each index is computed as on one thread, so results do not depend on the
     * number of threads.
     */
    void forRange(int count, Range job) {
        if (size == 1 || count < 2 * size) {
            job.run(0, count);
            return;
        }
        this.range = job;
        this.count = count;
        runTeam();
        this.range = null;
    }

    /**
     * Issues the current product or job to the helpers and computes shares until none is left
     * unclaimed, then waits for those the helpers are computing. A helper that the operating
     * system has not scheduled yet (a loaded machine) leaves its share to the caller instead of
     * holding it up.
     */
    private void runTeam() {
        long generation = issued + 1;
        finished.set(0);
        claims.set(generation << 32);
        issued = generation;
        for (Thread helper : helpers) {
            LockSupport.unpark(helper);
        }
        work(generation);
        // Wait for every share even after a failure: the next product must not start under them.
        while (finished.get() < size) {
            Thread.onSpinWait();
        }
        Throwable t = failure;
        failure = null;
        if (t instanceof RuntimeException r) {
            throw r;
        }
        if (t != null) {
            throw (Error) t;
        }
    }

    /** Rows [index·chunk, (index + 1)·chunk) of the current product, chunks whole groups of eight rows. */
    private void share(int index) {
        if (range != null) {
            int chunk = (count + size - 1) / size;
            int from = Math.min(count, index * chunk);
            int to = Math.min(count, from + chunk);
            if (from < to) {
                range.run(from, to);
            }
            return;
        }
        // Whole register blocks per thread, so each share runs the same kernels as one thread would.
        int chunk = (m + Gemm.ROWS * size - 1) / (Gemm.ROWS * size) * Gemm.ROWS;
        int from = Math.min(m, index * chunk);
        int rows = Math.min(m, from + chunk) - from;
        if (rows > 0) {
            Gemm.multiply(
                    a, aOff + from * aRow, aRow, aCol, b, bOff, ldb, c, cOff + from * ldc, ldc, rows, k, n, accumulate);
        }
    }

    private void help() {
        long seen = 0;
        while (true) {
            long deadline = System.nanoTime() + SPIN_NANOS;
            while (issued == seen && !closed) {
                if (System.nanoTime() < deadline) {
                    Thread.onSpinWait();
                } else {
                    LockSupport.park(this);
                }
            }
            if (closed) {
                return;
            }
            seen = issued;
            work(seen);
        }
    }

    /**
     * Claims and computes shares of product or job {@code generation} until none is left; a
     * thread that comes late to a generation the caller has finished claims nothing.
     */
    private void work(long generation) {
        while (true) {
            long claim = claims.get();
            int index = (int) claim;
            if (claim >>> 32 != generation || index >= size) {
                return;
            }
            if (claims.compareAndSet(claim, claim + 1)) {
                try {
                    share(index);
                } catch (RuntimeException | Error e) {
                    if (failure == null) {
                        failure = e;
                    }
                }
                finished.incrementAndGet();
            }
        }
    }

    /** Stops the helpers. */
    @Override
    public void close() {
        closed = true;
        for (Thread helper : helpers) {
            LockSupport.unpark(helper);
        }
    }
}
