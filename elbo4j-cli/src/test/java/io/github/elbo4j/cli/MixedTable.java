package io.github.elbo4j.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * A synthetic mixed-type table driven by two latent factors u, v ~ N(0, 1), with a fraction of rows
 * made anomalous by breaking one of the dependencies while keeping every value in its usual range:
 *
 * <pre>
 *   age      = 45 + 12 u + N(0, 1)                          numeric
 *   income   = 60 + 15 (u + v) / √2 + N(0, 1.5)             numeric
 *   visits   = 10 − 3 v + N(0, 0.5)                         numeric
 *   smoker   = yes if u + N(0, 0.25) &gt; 0 else no           binary (two labels)
 *   region   = north if v &gt; 0.5, south if v &lt; −0.5, else center (with N(0, 0.15) noise)   categorical
 * </pre>
 *
 * Anomalies, in turn: income shifted by ±(5 to 8)·its noise scale the wrong way for u and v; smoker
 * contradicting a clear u (|u| &gt; 0.8); region contradicting a clear v (|v| &gt; 1).
 */
final class MixedTable {

    static final String HEADER = "age,income,visits,smoker,region";

    /** The CSV text and, per data row, whether it was made anomalous. */
    record Generated(String csv, boolean[] anomalous) {}

    private MixedTable() {}

    static Generated generate(int rows, double anomalyFraction, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        StringBuilder csv = new StringBuilder(HEADER).append('\n');
        boolean[] anomalous = new boolean[rows];
        int kind = 0;
        for (int i = 0; i < rows; i++) {
            double u = gaussian(random);
            double v = gaussian(random);
            boolean anomaly = random.nextDouble() < anomalyFraction;
            int broken = anomaly ? kind++ % 3 : -1;
            // The broken dependency is made unambiguous: a clear u for smoker, a clear v for region.
            if (broken == 1) {
                u = u > 0 ? Math.max(u, 0.8) : Math.min(u, -0.8);
            } else if (broken == 2) {
                v = v > 0 ? Math.max(v, 1) : Math.min(v, -1);
            }
            double age = 45 + 12 * u + gaussian(random);
            double income = 60 + 15 * (u + v) / Math.sqrt(2) + 1.5 * gaussian(random);
            double visits = 10 - 3 * v + 0.5 * gaussian(random);
            boolean smoker = u + 0.25 * gaussian(random) > 0;
            double r = v + 0.15 * gaussian(random);
            String region = r > 0.5 ? "north" : r < -0.5 ? "south" : "center";
            switch (broken) {
                case 0 -> income += (u + v > 0 ? -1 : 1) * 1.5 * (5 + 3 * random.nextDouble());
                case 1 -> smoker = u < 0;
                case 2 -> region = v > 0 ? "south" : "north";
                default -> {}
            }
            anomalous[i] = anomaly;
            csv.append(String.format(
                    Locale.ROOT, "%.1f,%.2f,%.2f,%s,%s%n", age, income, visits, smoker ? "yes" : "no", region));
        }
        return new Generated(csv.toString(), anomalous);
    }

    static Generated write(Path file, int rows, double anomalyFraction, long seed) throws IOException {
        Generated g = generate(rows, anomalyFraction, seed);
        Files.writeString(file, g.csv());
        return g;
    }

    private static double gaussian(SplittableRandom random) {
        // Box–Muller: enough for test data.
        double a = 1 - random.nextDouble();
        return Math.sqrt(-2 * Math.log(a)) * Math.cos(2 * Math.PI * random.nextDouble());
    }

    /**
     * The area under the ROC curve of {@code scores} (higher = more anomalous) for the labels: the
     * probability that a random anomaly outscores a random normal row, ties counting one half
     * (Mann–Whitney U / (n₁ n₀)).
     */
    static double auroc(double[] scores, boolean[] anomalous) {
        double wins = 0;
        long pairs = 0;
        for (int i = 0; i < scores.length; i++) {
            if (!anomalous[i]) {
                continue;
            }
            for (int j = 0; j < scores.length; j++) {
                if (anomalous[j]) {
                    continue;
                }
                wins += scores[i] > scores[j] ? 1 : scores[i] == scores[j] ? 0.5 : 0;
                pairs++;
            }
        }
        return wins / pairs;
    }
}
