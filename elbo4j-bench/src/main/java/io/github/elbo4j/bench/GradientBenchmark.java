package io.github.elbo4j.bench;

import io.github.elbo4j.bench.posteriordb.Posterior;
import io.github.elbo4j.bench.posteriordb.PosteriorDbBenchmark;
import io.github.elbo4j.bench.posteriordb.models.PosteriorDbModels;
import io.github.elbo4j.vi.Model;
import io.github.elbo4j.vi.UnconstrainedDensity;
import io.github.elbo4j.vi.model.JavaModel;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.TreeMap;

/**
 * The cost of one log density and gradient: of the eight schools model written three ways ({@link
 * EightSchools}): the Java modelling API, the gradient written out by hand, and DJL operations
 * differentiated by autograd; then of every posteriordb model ({@link PosteriorDbModels}) and the
 * GARCH(1, 1) of the speed criteria, written with the Java modelling API, where scalar-heavy models
 * (the HMM's forward algorithm, ARMA's recursion, the ODE) show what the tape's
 * bookkeeping costs. Prints one line per way and batch size: nanoseconds per point, the
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
 * <p>Optional arguments: {@code skip-djl} leaves out the DJL rows; {@code models-only} prints only
 * the posteriordb table (skipped with a message when {@code shared/data/posteriordb-set} is not
 * beside the repository).
 */
public final class GradientBenchmark {

    private static final int ROUNDS = 15;
    private static final long ROUND_NANOS = 200_000_000L;
    /** Shorter rounds for the table of models, which has a dozen rows. */
    private static final long MODEL_ROUND_NANOS = 60_000_000L;

    private GradientBenchmark() {}

    /**
     * Runs the benchmark.
     *
     * @param args {@code skip-djl} to leave out the tensor engine, {@code models-only} for the
     *     posteriordb table only
     * @throws IOException if the posteriordb set cannot be read
     */
    public static void main(String[] args) throws IOException {
        List<String> options = List.of(args);
        boolean skipDjl = options.contains("skip-djl");
        if (!options.contains("models-only")) {
            eightSchools(skipDjl);
        }
        models();
    }

    private static void eightSchools(boolean skipDjl) {
        System.out.printf(
                Locale.ROOT,
                "%-24s %7s %14s %14s %16s%n",
                "eight schools, f and ∇f",
                "points",
                "wall ns/point",
                "CPU ns/point",
                "CPU vs by hand");
        for (int points : new int[] {1, 100}) {
            double[] handWritten = time(EightSchools.closedForm(), 10, points, ROUND_NANOS);
            report("gradient by hand", points, handWritten, handWritten);
            report(
                    "JavaModel (autodiff)",
                    points,
                    time(EightSchools.javaModel(), 10, points, ROUND_NANOS),
                    handWritten);
            if (!skipDjl) {
                report(
                        "DJL model (autograd)",
                        points,
                        time(EightSchools.tensorModel(), 10, points, ROUND_NANOS),
                        handWritten);
            }
        }
    }

    /** One row per posteriordb model and the GARCH(1, 1): one point, CPU time per log density and gradient. */
    private static void models() throws IOException {
        Optional<Path> set = Posterior.locateSet();
        if (set.isEmpty()) {
            System.out.println("no shared/data/posteriordb-set beside the repository: the models' table is skipped");
            return;
        }
        System.out.printf(
                Locale.ROOT, "%n%-44s %5s %14s %14s%n", "JavaModel, f and ∇f at one point", "D", "wall µs", "CPU µs");
        Map<String, Model> models = new TreeMap<>();
        for (String name : PosteriorDbModels.posteriors()) {
            models.put(
                    name,
                    PosteriorDbModels.of(name, Posterior.load(set.get(), name).data())
                            .orElseThrow());
        }
        models.put(
                "garch11 (1,000 generated returns)",
                PosteriorDbModels.garch11(
                        PosteriorDbBenchmark.garchReturns(1000, new SplittableRandom(20261206)), 1.0));
        for (Map.Entry<String, Model> model : models.entrySet()) {
            int d = ((JavaModel) model.getValue()).dimension();
            double[] nanos = time(model.getValue(), d, 1, MODEL_ROUND_NANOS);
            System.out.printf(
                    Locale.ROOT, "%-44s %5d %14.2f %14.2f%n", model.getKey(), d, nanos[0] * 1e-3, nanos[1] * 1e-3);
        }
    }

    private static void report(String name, int points, double[] nanos, double[] reference) {
        System.out.printf(
                Locale.ROOT,
                "%-24s %7d %14.0f %14.0f %15.1fx%n",
                name,
                points,
                nanos[0],
                nanos[1],
                nanos[1] / reference[1]);
    }

    /**
     * The medians over rounds of wall-clock and CPU nanoseconds per point, after a warm-up as long as
     * the rounds, at standard normal points of dimension d.
     */
    private static double[] time(Model model, int d, int points, long roundNanos) {
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
                } while (elapsed < roundNanos);
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
