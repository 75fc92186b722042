package io.github.elbo4j.cli;

import io.github.elbo4j.vae.train.ProgressListener;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Progress on standard error (so {@code --json} output on stdout stays clean): units done, rate,
 * ETA and a message. On a terminal a live bar is redrawn in place, fitted to the window's width,
 * under the permanent lines given to {@link #println}; anywhere else (a log file, a pipe, CI) only
 * plain, complete lines are written: the permanent lines, a status line every
 * {@value #PLAIN_INTERVAL_SECONDS} seconds and one when the work ends.
 */
class Progress implements ProgressListener, AutoCloseable {

    private static final long REDRAW_MILLIS = 250;
    private static final long PLAIN_INTERVAL_SECONDS = 10;
    /** Erase the line the cursor is on; the bar is then written from its first column. */
    private static final String CLEAR_LINE = "\r\u001b[K";

    private final String task;
    private final String unit;
    private final PrintStream out;
    private final boolean live;
    private final long startNanos = System.nanoTime();
    private boolean started;
    /** Units done before this invocation (a resumed run's earlier steps), which the rate leaves out. */
    private long base;

    private long done;
    private long total;
    private String message = "";
    private boolean drawn;
    private boolean closed;
    private long lastPlainNanos = startNanos;
    private long lastPlainDone = -1;
    private ScheduledExecutorService ticker;
    private Thread onExit;

    /** Progress of {@code task}, counted in {@code unit}, on standard error. */
    Progress(String task, String unit) {
        this(task, unit, System.err, Terminal.stderrIsTerminal());
    }

    /** Progress written to {@code out}, redrawn in place when {@code live}. */
    Progress(String task, String unit, PrintStream out, boolean live) {
        this.task = task;
        this.unit = unit;
        this.out = out;
        this.live = live;
    }

    /**
     * Starts at {@code done} units that an earlier invocation finished: the rate and the ETA count
     * only the units done from here on.
     */
    synchronized void resumeAt(long done) {
        base = done;
    }

    /** {@code done} of {@code total} units are finished. */
    @Override
    public synchronized void progress(long done, long total) {
        if (closed) {
            return;
        }
        if (!started) {
            started = true;
            start();
        }
        this.done = done;
        this.total = total;
        if (!live && System.nanoTime() - lastPlainNanos >= TimeUnit.SECONDS.toNanos(PLAIN_INTERVAL_SECONDS)) {
            printPlain(false);
        }
    }

    /** Shows {@code message} after the numbers (on a terminal when it fits; in every plain line). */
    @Override
    public synchronized void message(String message) {
        this.message = message == null ? "" : message;
    }

    /** Prints a line that stays (above the live bar on a terminal). */
    synchronized void println(String line) {
        if (live && drawn) {
            out.print(CLEAR_LINE);
            out.println(line);
            draw(false);
        } else {
            out.println(line);
            out.flush();
        }
    }

    /**
     * Prints a line that stays on {@code stream} (the command's standard error, which tests capture),
     * clearing the live bar first and redrawing it below.
     */
    synchronized void println(PrintWriter stream, String line) {
        if (live && drawn) {
            out.print(CLEAR_LINE);
            out.flush();
        }
        stream.println(line);
        stream.flush();
        if (live && drawn && !closed) {
            draw(false);
        }
    }

    /** Ends the bar: its last state stays on screen (or in one last plain line), and the cursor on a fresh line. */
    @Override
    public void close() {
        ScheduledExecutorService stopping;
        synchronized (this) {
            if (closed) {
                return;
            }
            finish();
            stopping = ticker;
        }
        if (stopping != null) {
            stopping.shutdownNow();
        }
        if (onExit != null) {
            try {
                Runtime.getRuntime().removeShutdownHook(onExit);
            } catch (IllegalStateException shuttingDown) {
                // the hook is running and finishes the line itself
            }
        }
    }

    private void start() {
        if (!live) {
            return;
        }
        ticker = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "elbo4j-progress");
            t.setDaemon(true);
            return t;
        });
        // Redrawn on a clock, not only on progress, so that the time moves through a slow chunk.
        ticker.scheduleAtFixedRate(this::tick, 0, REDRAW_MILLIS, TimeUnit.MILLISECONDS);
        // Ctrl-C: end the bar's line so that the shell's prompt starts on a clean one.
        onExit = new Thread(this::finishOnExit, "elbo4j-progress-exit");
        Runtime.getRuntime().addShutdownHook(onExit);
    }

    private synchronized void tick() {
        if (!closed) {
            draw(false);
        }
    }

    private synchronized void finishOnExit() {
        if (!closed) {
            finish();
        }
    }

    /** Must hold the lock. */
    private void finish() {
        closed = true;
        if (!started) {
            return;
        }
        if (live) {
            draw(true);
            out.println();
            out.flush();
        } else if (done != lastPlainDone) {
            printPlain(true);
        }
    }

    private void draw(boolean finished) {
        out.print(CLEAR_LINE + line().bar(Terminal.columns(), finished) + "\r");
        out.flush();
        drawn = true;
    }

    private void printPlain(boolean finished) {
        out.println(line().plain(finished));
        out.flush();
        lastPlainNanos = System.nanoTime();
        lastPlainDone = done;
    }

    private ProgressLine line() {
        double seconds = (System.nanoTime() - startNanos) / 1e9;
        double rate = seconds > 0 && done > base ? (done - base) / seconds : Double.NaN;
        return new ProgressLine(task, unit, done, total, rate, seconds, message);
    }
}
