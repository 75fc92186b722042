package io.github.elbo4j.cli;

import java.util.Locale;

/**
 * The text of one progress report: a live bar laid out to an exact width, or a plain line for a
 * log. The bar's width depends only on the terminal's width and the total, never on the numbers
 * of the moment, so consecutive frames line up; a message that does not fit whole is left out
 * rather than cut.
 *
 * @param task what is running, e.g. {@code train}
 * @param unit what is counted, e.g. {@code steps}
 * @param done units finished
 * @param total units in all; 0 when unknown
 * @param rate units per second in this invocation; NaN before it can be measured
 * @param seconds elapsed seconds of this invocation
 * @param message what to show after the numbers (may be empty)
 */
record ProgressLine(String task, String unit, long done, long total, double rate, double seconds, String message) {

    private static final int MIN_BAR = 6;
    private static final int MAX_BAR = 30;
    /** Room kept for the message before the bar grows beyond its minimum. */
    private static final int MESSAGE_ROOM = 14;

    /**
     * The live bar in exactly {@code columns - 1} characters (the last column is left free: some
     * terminals wrap when it is written). {@code finished} shows the elapsed time instead of the ETA.
     */
    String bar(int columns, boolean finished) {
        int width = Math.max(1, columns - 1);
        String counts = counts();
        String timing = finished ? "in " + clock(seconds) : "ETA " + clock(eta());
        // Fixed-width fields: a rate of 9.5/s and one of 1201/s, an ETA of 0:12 and one of 1:02:03
        // take the same room, so the bar and the message stay where they are.
        String fixed = String.format(Locale.ROOT, "%s %s %s/s %-11s", pad(counts), percent(), rateText(), timing);
        StringBuilder line = new StringBuilder(width);
        line.append(task).append(' ');
        int room = width - line.length() - fixed.length() - 1;
        if (total > 0 && room >= MIN_BAR + 3) {
            int bar = Math.min(MAX_BAR, Math.max(MIN_BAR, room - 3 - MESSAGE_ROOM));
            line.append(barCells(bar)).append(' ');
        }
        line.append(fixed);
        if (!message.isEmpty() && line.length() + 1 + message.length() <= width) {
            line.append(' ').append(message);
        }
        if (line.length() > width) {
            line.setLength(width);
        }
        while (line.length() < width) {
            line.append(' ');
        }
        return line.toString();
    }

    /** A plain, complete line for a log: no padding, nothing cut. */
    String plain(boolean finished) {
        StringBuilder line = new StringBuilder(task).append(": ").append(counts());
        if (total > 0) {
            line.append(" (").append(percent().strip()).append(')');
        }
        line.append(", ").append(rateText().strip()).append(' ').append(unit).append("/s, ");
        line.append(finished ? clock(seconds) + " in all" : clock(seconds) + " elapsed, ETA " + clock(eta()));
        if (!message.isEmpty()) {
            line.append(", ").append(message);
        }
        return line.toString();
    }

    private String counts() {
        return total > 0 ? done + "/" + total + " " + unit : done + " " + unit;
    }

    /** Counts padded to the width the total gives them, so that they do not shift as they grow. */
    private String pad(String counts) {
        int full = total > 0 ? 2 * Long.toString(total).length() + 2 + unit.length() : counts.length();
        return " ".repeat(Math.max(0, full - counts.length())) + counts;
    }

    private String percent() {
        return total > 0 ? String.format(Locale.ROOT, "%3d%%", (int) Math.min(100, 100 * done / total)) : "";
    }

    private String barCells(int cells) {
        int filled = total > 0 ? (int) Math.min(cells, cells * done / total) : 0;
        return "[" + "#".repeat(filled) + "-".repeat(cells - filled) + "]";
    }

    private String rateText() {
        String value;
        if (!Double.isFinite(rate) || rate <= 0) {
            value = "?";
        } else if (rate >= 100) {
            value = String.format(Locale.ROOT, "%.0f", rate);
        } else if (rate >= 10) {
            value = String.format(Locale.ROOT, "%.1f", rate);
        } else {
            value = String.format(Locale.ROOT, "%.2f", rate);
        }
        return String.format(Locale.ROOT, "%6s", value);
    }

    private double eta() {
        return total > 0 && rate > 0 && Double.isFinite(rate) ? (total - done) / rate : Double.NaN;
    }

    /** m:ss, or h:mm:ss from an hour; ? when unknown. */
    static String clock(double seconds) {
        if (!Double.isFinite(seconds) || seconds < 0) {
            return "?";
        }
        long s = Math.round(seconds);
        return s >= 3600
                ? String.format(Locale.ROOT, "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60)
                : String.format(Locale.ROOT, "%d:%02d", s / 60, s % 60);
    }
}
