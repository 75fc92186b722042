package io.github.elbo4j.bench;

import io.github.elbo4j.vi.Model;
import io.github.elbo4j.vi.UnconstrainedDensity;

import java.util.Locale;
import java.util.SplittableRandom;

/**
 * The cost of one log density and gradient of the eight schools model, written three ways ({@link
 * EightSchools}): the Java modelling API, the gradient written out by hand, and DJL operations
 * differentiated by autograd. Prints one line per way and batch size: nanoseconds per point, the
 * median of several timed rounds after a warm-up, no JMH (the figure to compare is microseconds).
 *
 * <pre>
 * ./mvnw -q -pl elbo4j-bench -am -DskipTests package
 * java -cp "elbo4j-cli/target/elbo4j.jar:elbo4j-bench/target/classes" io.github.elbo4j.bench.GradientBenchmark
 * </pre>
 *
 * <p>Optional argument {@code skip-djl} leaves out the DJL rows.
 */
public final class GradientBenchmark {

    private static final int ROUNDS = 15;
    private static final long ROUND_NANOS = 200_000_000L;

    private GradientBenchmark() {}

    /**
     * Runs the benchmark.
     *
     * @param args {@code skip-djl} to leave out the tensor engine
     */
    public static void main(String[] args) {
        boolean skipDjl = args.length > 0 && args[0].equals("skip-djl");
        System.out.printf(Locale.ROOT, "%-28s %8s %14s %14s%n", "eight schools, f and ∇f", "points", "ns/point",
                "vs hand-written");
        for (int points : new int[] {1, 100}) {
            double handWritten = time(EightSchools.closedForm(), points);
            report("hand-written gradient", points, handWritten, handWritten);
            report("JavaModel (autodiff)", points, time(EightSchools.javaModel(), points), handWritten);
            if (!skipDjl) {
                report("DJL model (autograd)", points, time(EightSchools.tensorModel(), points), handWritten);
            }
        }
    }

    private static void report(String name, int points, double nanos, double reference) {
        System.out.printf(Locale.ROOT, "%-28s %8d %14.0f %13.1fx%n", name, points, nanos, nanos / reference);
    }

    /** The median over rounds of nanoseconds per point, after a warm-up as long as the rounds. */
    private static double time(Model model, int points) {
        int d = 10;
        double[] z = new double[points * d];
        SplittableRandom random = new SplittableRandom(1);
        for (int i = 0; i < z.length; i++) {
            z[i] = random.nextGaussian();
        }
        double[] values = new double[points];
        double[] gradient = new double[points * d];
        double[] perPoint = new double[ROUNDS];
        double sink = 0;
        try (UnconstrainedDensity density = model.unconstrainedDensity()) {
            for (int round = -ROUNDS; round < ROUNDS; round++) {
                long start = System.nanoTime();
                long calls = 0;
                long elapsed;
                do {
                    density.evaluate(z, points, null, values, gradient);
                    sink += gradient[0];
                    calls++;
                    elapsed = System.nanoTime() - start;
                } while (elapsed < ROUND_NANOS);
                if (round >= 0) {
                    perPoint[round] = (double) elapsed / (calls * points);
                }
            }
        }
        if (Double.isNaN(sink)) {
            System.out.println("(a gradient was NaN)");
        }
        java.util.Arrays.sort(perPoint);
        return perPoint[ROUNDS / 2];
    }
}
