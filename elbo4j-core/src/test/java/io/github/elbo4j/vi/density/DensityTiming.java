package io.github.elbo4j.vi.density;

import io.github.elbo4j.vi.autodiff.Tape;
import io.github.elbo4j.vi.autodiff.Value;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Arrays;
import java.util.Random;
import java.util.function.Function;

/**
 * A timing harness (not a test): CPU nanoseconds per element of a log density's forward and backward
 * pass over 1000 elements, for {@link Densities#normal} and {@link Densities#poissonLog}, side by
 * side with the same log density composed from {@link Value}'s elementwise operations (one recorded
 * value per operation instead of one per density); then the CPU microseconds of one log density
 * and gradient of the eight schools model.
 *
 * <p>Run: {@code ./mvnw -q -o -pl elbo4j-core test-compile} then {@code java -cp
 * elbo4j-core/target/classes:elbo4j-core/target/test-classes:HIPPARCHUS_CORE_JAR
 * io.github.elbo4j.vi.density.DensityTiming} (the autodiff and densities need nothing else;
 * {@code docs/vi-densities.md} gives the jar's path in the local Maven repository). Times are
 * thread CPU times, medians of 7 rounds after a warm-up.
 */
public final class DensityTiming {

    private static final int N = 1000;
    /** CPU time of this thread, not wall time, so that other work on a shared machine counts less. */
    private static final ThreadMXBean THREAD = ManagementFactory.getThreadMXBean();

    private static final double HALF_LOG_TWO_PI = 0.5 * Math.log(2 * Math.PI);

    private DensityTiming() {}

    public static void main(String[] args) {
        Random random = new Random(1);
        double[] y = new double[N];
        double[] mu = new double[N];
        int[] counts = new int[N];
        double[] eta = new double[N];
        for (int i = 0; i < N; i++) {
            mu[i] = random.nextGaussian();
            y[i] = mu[i] + 1.3 * random.nextGaussian();
            eta[i] = 0.5 + 0.8 * random.nextGaussian();
            counts[i] = (int) Math.round(Math.exp(eta[i]) + random.nextDouble() * 3);
        }
        Value data = Value.constant(y);
        Value logFactorials = Value.constant(Arrays.stream(counts)
                .mapToDouble(DiscreteDensities::logFactorial)
                .toArray());
        Value countValues = Value.constant(counts);

        // Every location–scale family shares one loop: run them all first, so that the loop is timed
        // as a model that uses several of them would run it (its calls of the family not inlined as one).
        for (int i = 0; i < 20_000; i++) {
            Tape tape = new Tape();
            Value m = tape.variable(mu);
            tape.backward(Densities.cauchy(data, m, 1.0)
                    .plus(Densities.logistic(data, m, 1.0))
                    .plus(Densities.doubleExponential(data, m, 1.0))
                    .plus(Densities.normal(data, m, 1.0)));
        }
        System.out.printf(
                "%-44s %15s %12s%n", "log density, 1000 elements, forward+backward", "CPU ns/element", "tape values");
        report("normal(y | mu[1000], sigma), one derive", mu, 1.3, (m, s) -> Densities.normal(data, m, s));
        report("normal composed of Value operations", mu, 1.3, (m, s) -> {
            Value z = data.minus(m).div(s);
            return z.square().sum().times(-0.5).minus(s.log().times(N)).minus(N * HALF_LOG_TWO_PI);
        });
        report(
                "poisson_log(n | eta[1000]), one derive",
                eta,
                Double.NaN,
                (e, unused) -> Densities.poissonLog(counts, e));
        report(
                "poisson_log composed of Value operations",
                eta,
                Double.NaN,
                (e, unused) -> countValues.dot(e).minus(e.exp().sum()).minus(logFactorials.sum()));
        eightSchools();
    }

    /**
     * The eight schools model (non-centered, posteriordb's {@code eight_schools_noncentered}) on the
     * unconstrained space (μ, log τ, θ̃₁…θ̃₈), its log-Jacobian written by hand here because the
     * model API is not part of this harness: microseconds per log density and gradient.
     */
    private static void eightSchools() {
        Value y = Value.constant(28, 8, -3, 7, -1, 1, 18, 12);
        Value sigma = Value.constant(15, 10, 16, 11, 9, 11, 10, 18);
        double[] point = {4.4, 1.2, 0.3, -0.1, 0.2, 0.0, -0.3, 0.1, 0.4, 0.05};
        Function<Tape, Double> once = tape -> {
            Value x = tape.variable(point);
            Value mu = x.get(0);
            Value logTau = x.get(1);
            Value tau = logTau.exp();
            Value thetaTrans = x.slice(2, 10);
            Value theta = thetaTrans.times(tau).plus(mu);
            Value lp = Densities.normal(thetaTrans, 0, 1)
                    .plus(Densities.normal(y, theta, sigma))
                    .plus(Densities.normal(mu, 0, 5))
                    .plus(Densities.cauchy(tau, 0, 5))
                    .plus(logTau);
            tape.backward(lp);
            return x.gradient()[0];
        };
        double sink = 0.0;
        for (int i = 0; i < 200_000; i++) {
            sink += once.apply(new Tape());
        }
        double[] micros = new double[7];
        int reps = 50_000;
        for (int round = 0; round < micros.length; round++) {
            long start = THREAD.getCurrentThreadCpuTime();
            for (int i = 0; i < reps; i++) {
                sink += once.apply(new Tape());
            }
            micros[round] = (THREAD.getCurrentThreadCpuTime() - start) / (double) reps / 1000.0;
        }
        Arrays.sort(micros);
        Tape tape = new Tape();
        once.apply(tape);
        System.out.printf(
                "%-44s %15.2f %12d%s%n",
                "eight schools: log density + gradient, CPU µs",
                micros[micros.length / 2],
                tape.size(),
                sink == 42.0 ? " " : "");
    }

    /** Times a density of a vector variable and (when {@code scalar} is not NaN) a scalar variable. */
    private static void report(String name, double[] vector, double scalar, Density density) {
        Function<Tape, Double> once = tape -> {
            Value v = tape.variable(vector);
            Value s = tape.scalar(Double.isNaN(scalar) ? 1.0 : scalar);
            Value lp = density.apply(v, s);
            tape.backward(lp.plus(s.times(0.0)));
            return v.gradient()[0];
        };
        double sink = 0.0;
        for (int i = 0; i < 20_000; i++) {
            sink += once.apply(new Tape());
        }
        double[] perElement = new double[7];
        int reps = 5_000;
        for (int round = 0; round < perElement.length; round++) {
            long start = THREAD.getCurrentThreadCpuTime();
            for (int i = 0; i < reps; i++) {
                sink += once.apply(new Tape());
            }
            perElement[round] = (THREAD.getCurrentThreadCpuTime() - start) / (double) reps / N;
        }
        Arrays.sort(perElement);
        Tape tape = new Tape();
        once.apply(tape);
        System.out.printf(
                "%-44s %15.2f %12d%s%n", name, perElement[perElement.length / 2], tape.size(), sink == 42.0 ? " " : "");
    }

    @FunctionalInterface
    private interface Density {
        Value apply(Value vector, Value scalar);
    }
}
