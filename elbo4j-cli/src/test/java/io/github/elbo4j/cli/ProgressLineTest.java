package io.github.elbo4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The progress bar's layout at common terminal widths, and plain lines for logs. */
class ProgressLineTest {

    @Test
    void barFillsTheWidthExactlyAtEveryCommonWidthAndDoesNotMoveBetweenFrames() {
        for (int columns : new int[] {70, 80, 120}) {
            Set<Integer> barEnds = new HashSet<>();
            for (long done : new long[] {0, 7, 52, 4488, 12000}) {
                for (double rate : new double[] {Double.NaN, 9.5, 27.2, 1201}) {
                    String line = new ProgressLine("train", "steps", done, 12000, rate, 35, "ELBO -65.75")
                            .bar(columns, false);
                    assertThat(line).as("%d columns: '%s'", columns, line).hasSize(columns - 1);
                    barEnds.add(line.indexOf(']'));
                }
            }
            assertThat(barEnds).as("where the bar ends at %d columns", columns).hasSize(1);
        }
    }

    @Test
    void barHasRealCellsAtEightyColumnsAndShowsHowFarItIs() {
        String half = new ProgressLine("train", "steps", 6000, 12000, 27.2, 220, "ELBO -65.75").bar(80, false);
        String cells = half.substring(half.indexOf('[') + 1, half.indexOf(']'));
        assertThat(cells.length()).isGreaterThanOrEqualTo(6);
        assertThat(cells.chars().filter(c -> c == '#').count()).isEqualTo(cells.length() / 2);
        assertThat(half)
                .contains(" 50%")
                .contains("6000/12000 steps")
                .contains("27.2/s")
                .contains("ETA 3:41")
                .contains("ELBO -65.75");
    }

    @Test
    void aMessageThatDoesNotFitIsLeftOutWholeNeverCut() {
        String message = "epoch 12: ELBO -65.75, valid -66.02";
        String narrow = new ProgressLine("train", "steps", 4488, 12000, 27.2, 165, message).bar(70, false);
        assertThat(narrow).doesNotContain("epoch").hasSize(69);
        String wide = new ProgressLine("train", "steps", 4488, 12000, 27.2, 165, message).bar(120, false);
        assertThat(wide).contains(message).hasSize(119);
    }

    @Test
    void plainLineIsCompleteAndSaysWhenItEnded() {
        String running = new ProgressLine("report: IWAE-100", "samples", 500, 2000, 50, 10, "").plain(false);
        assertThat(running)
                .isEqualTo("report: IWAE-100: 500/2000 samples (25%), 50.0 samples/s, 0:10 elapsed, ETA 0:30");
        String ended = new ProgressLine("report: IWAE-100", "samples", 2000, 2000, 50, 40, "").plain(true);
        assertThat(ended).isEqualTo("report: IWAE-100: 2000/2000 samples (100%), 50.0 samples/s, 0:40 in all");
    }

    @Test
    void withoutATerminalProgressWritesOnlyPlainLinesEachOnce() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        try (Progress progress = new Progress("eval", "examples", out, false)) {
            progress.progress(0, 100);
            progress.println("a line that stays");
            progress.progress(100, 100);
        }
        String text = bytes.toString(StandardCharsets.UTF_8);
        assertThat(text).doesNotContain("\r").doesNotContain("\u001b");
        assertThat(text.lines()).hasSize(2).first().isEqualTo("a line that stays");
        assertThat(text.lines().skip(1).findFirst().orElseThrow()).startsWith("eval: 100/100 examples (100%)");
    }

    @Test
    void onATerminalTheBarIsRedrawnInPlaceUnderLinesThatStay() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        try (Progress progress = new Progress("train", "steps", out, true)) {
            progress.progress(0, 10);
            progress.println("epoch 1/2: ELBO -1.00");
            progress.progress(10, 10);
        }
        String text = bytes.toString(StandardCharsets.UTF_8);
        // What stays on screen once each \r has returned the cursor and ESC[K erased the line.
        String[] screen = text.replace("\u001b[K", "").split("\n", -1);
        assertThat(screen[0]).endsWith("epoch 1/2: ELBO -1.00");
        String last = screen[screen.length - 2];
        assertThat(last.substring(last.lastIndexOf('\r', last.length() - 2) + 1).strip())
                .startsWith("train [")
                .contains("100%")
                .contains("10/10 steps")
                .contains("in 0:00");
        assertThat(screen[screen.length - 1])
                .as("the cursor ends on a fresh line")
                .isEmpty();
    }
}
