package io.github.elbo4j.cli;

import io.github.elbo4j.vae.ProgressListener;
import java.time.temporal.ChronoUnit;
import me.tongfei.progressbar.DelegatingProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * A progress bar on standard error (so {@code --json} output on stdout stays clean): units done,
 * rate, ETA and a message.
 */
class Progress implements ProgressListener, AutoCloseable {

    private static final int NON_INTERACTIVE_INTERVAL_MS = 5000;

    private final String task;
    private final String unit;
    private ProgressBar bar;

    Progress(String task, String unit) {
        this.task = task;
        this.unit = unit;
    }

    @Override
    public void progress(long done, long total) {
        if (bar == null) {
            ProgressBarBuilder builder = new ProgressBarBuilder()
                    .setTaskName(task)
                    .setInitialMax(total)
                    .setStyle(ProgressBarStyle.ASCII)
                    .setUnit(" " + unit, 1)
                    .setSpeedUnit(ChronoUnit.SECONDS)
                    .showSpeed();
            if (System.console() == null) {
                // Not a terminal (a log file, CI): a plain line every few seconds instead of redraws.
                builder.setUpdateIntervalMillis(NON_INTERACTIVE_INTERVAL_MS)
                        .setConsumer(new DelegatingProgressBarConsumer(System.err::println));
            } else {
                builder.setUpdateIntervalMillis(250).continuousUpdate();
            }
            bar = builder.build();
        }
        bar.maxHint(total);
        bar.stepTo(done);
    }

    /** Shows {@code message} after the bar. */
    void message(String message) {
        if (bar != null) {
            bar.setExtraMessage(message);
        }
    }

    @Override
    public void close() {
        if (bar != null) {
            bar.close();
        }
    }
}
