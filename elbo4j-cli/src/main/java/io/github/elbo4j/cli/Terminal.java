package io.github.elbo4j.cli;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * What standard error is connected to. Progress is redrawn in place only on a terminal; a file, a
 * pipe or a CI log gets plain lines. {@link System#console()} cannot tell: it looks at standard
 * input and output, so {@code 2> log} in a terminal would fill the log with carriage returns.
 */
final class Terminal {

    /** Width assumed when the terminal does not say (and the width of plain lines' layout). */
    static final int DEFAULT_COLUMNS = 80;

    private static final long WIDTH_TTL_NANOS = TimeUnit.SECONDS.toNanos(1);

    private static volatile Boolean stderrIsTerminal;
    private static volatile int columns;
    private static volatile long columnsReadAt;

    private Terminal() {}

    /** True when standard error is a terminal ({@code isatty(2)}), decided once per process. */
    static boolean stderrIsTerminal() {
        Boolean known = stderrIsTerminal;
        if (known == null) {
            known = detectStderrTerminal();
            stderrIsTerminal = known;
        }
        return known;
    }

    /**
     * The terminal's width in columns, re-read at most once a second so that a resized window is
     * followed; {@link #DEFAULT_COLUMNS} when it cannot be read.
     */
    static int columns() {
        long now = System.nanoTime();
        if (columns == 0 || now - columnsReadAt > WIDTH_TTL_NANOS) {
            columns = readColumns();
            columnsReadAt = now;
        }
        return columns;
    }

    private static boolean detectStderrTerminal() {
        // Linux names the file behind each descriptor; elsewhere ask the shell, whose descriptor 2 is ours.
        Path fd = Path.of("/proc/self/fd/2");
        try {
            if (Files.isSymbolicLink(fd)) {
                String target = Files.readSymbolicLink(fd).toString();
                return target.startsWith("/dev/pts/") || target.startsWith("/dev/tty") || target.equals("/dev/console");
            }
        } catch (IOException | SecurityException e) {
            // fall through to the shell
        }
        try {
            Process test = new ProcessBuilder("sh", "-c", "[ -t 2 ]")
                    .redirectError(ProcessBuilder.Redirect.INHERIT)
                    .start();
            return test.waitFor(2, TimeUnit.SECONDS) && test.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static int readColumns() {
        String env = System.getenv("COLUMNS");
        if (env != null && env.matches("[1-9][0-9]{0,3}")) {
            return Integer.parseInt(env);
        }
        File tty = new File("/dev/tty");
        if (!tty.exists()) {
            return DEFAULT_COLUMNS;
        }
        try {
            // "rows columns" of the controlling terminal, which is where standard error draws.
            Process stty = new ProcessBuilder("stty", "size")
                    .redirectInput(tty)
                    .redirectError(ProcessBuilder.Redirect.DISCARD)
                    .start();
            String[] size = new String(stty.getInputStream().readAllBytes(), StandardCharsets.US_ASCII)
                    .trim()
                    .split("\\s+");
            if (stty.waitFor(2, TimeUnit.SECONDS)
                    && stty.exitValue() == 0
                    && size.length == 2
                    && size[1].matches("[1-9][0-9]{0,3}")) {
                return Integer.parseInt(size[1]);
            }
        } catch (IOException e) {
            // no stty: the default below
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return DEFAULT_COLUMNS;
    }
}
