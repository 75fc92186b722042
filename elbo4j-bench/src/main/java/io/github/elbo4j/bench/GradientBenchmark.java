package io.github.elbo4j.bench;

import io.github.elbo4j.vi.Model;
import io.github.elbo4j.vi.UnconstrainedDensity;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Arrays;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * The cost of one log density and gradient of the eight schools model, written three ways ({@link
 * EightSchools}): the Java modelling API, the gradient written out by hand, and DJL operations
 * differentiated by autograd. Prints one line per way and batch size: nanoseconds per point, the
 * median of several timed rounds after a warm-up, no JMH (the figure to compare is microseconds),
 * both in wall-clock time and in the CPU time of the timing thread, which a loaded machine inflates
 * less (the engine's own threads are pinned to one by the command below, and to the calling thread
 * for most operations).
 *
 * <pre>
 * ./mvnw -q -pl elbo4j-bench -am -DskipTests package
 * java -Dai.djl.pytorch.num_threads=1 -Dai.djl.pytorch.num_interop_threads=1 \
 *     -cp "elbo4j-cli/target/elbo4j.jar:elbo4j-bench/target/classes" io.github.elbo4j.bench.GradientBenchmark
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
        System.out.printf(Locale.ROOT, "%-24s %7s %14s %14s %16s%n", "eight schools, f and ∇f", "points",
                "wall ns/point", "CPU ns/point", "CPU vs by hand");
        for (int points : new int[] {1, 100}) {
            double[] handWritten = time(EightSchools.closedForm(), points);
            report("gradient by hand", points, handWritten, handWritten);
            report("JavaModel (autodiff)", points, time(EightSchools.javaModel(), points), handWritten);
            if (!skipDjl) {
                report("DJL model (autograd)", points, time(EightSchools.tensorModel(), points), handWritten);
            }
        }
    }

    private static void report(String name, int points, double[] nanos, double[] reference) {
        System.out.printf(Locale.ROOT, "%-24s %7d %14.0f %14.0f %15.1fx%n", name, points, nanos[0], nanos[1],
                nanos[1] / reference[1]);
    }

    /**
     * The medians over rounds of wall-clock and CPU nanoseconds per point, after a warm-up as long as
     * the rounds.
     */
    private static double[] time(Model model, int points) {
        int d = 10;
        double[] z = new double[points * d];
        SplittableRandom random = new SplittableRandom(1);
        for (int i = 0; i < z.length; i++) {
            z[i] = random.nextGaussian();
        }
        double[] values = new double[points];
        double[] gradient = new double[points * d];
        double[] wall = new double[ROUNDS];
        double[] cpu = new double[ROUNDS];
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        double sink = 0;
        try (UnconstrainedDensity density = model.unconstrainedDensity()) {
            for (int round = -ROUNDS; round < ROUNDS; round++) {
                long start = System.nanoTime();
                long cpuStart = threads.getCurrentThreadCpuTime();
                long calls = 0;
                long elapsed;
                do {
                    density.evaluate(z, points, null, values, gradient);
                    sink += gradient[0];
                    calls++;
                    elapsed = System.nanoTime() - start;
                } while (elapsed < ROUND_NANOS);
                long cpuElapsed = threads.getCurrentThreadCpuTime() - cpuStart;
                if (round >= 0) {
                    wall[round] = (double) elapsed / (calls * points);
                    cpu[round] = (double) cpuElapsed / (calls * points);
                }
            }
        }
        if (Double.isNaN(sink)) {
            System.out.println("(a gradient was NaN)");
        }
        Arrays.sort(wall);
        Arrays.sort(cpu);
        return new double[] {wall[ROUNDS / 2], cpu[ROUNDS / 2]};
    }
}
