package io.github.elbo4j.bench.posteriordb;

import io.github.elbo4j.bench.posteriordb.models.PosteriorDbModels;
import io.github.elbo4j.vi.GaussianVi;
import io.github.elbo4j.vi.VariationalPosterior;
import io.github.elbo4j.vi.ViConfig;
import io.github.elbo4j.vi.model.JavaModel;
import java.util.Arrays;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * The GARCH(1, 1) fit of {@link PosteriorDbBenchmark}'s speed section alone, repeated: the default
 * fit ({@link ViConfig#builder()} untouched) on the same 1,000 generated returns, timed after
 * warm-up fits, so that a change to the fitting code can be compared before and after in a few
 * seconds rather than the whole set's minutes.
 *
 * <p>Arguments, all optional: {@code fits=N} (timed fits, default 10), {@code warmup=N} (default 3)
 * and {@code draws=N} (the output draws, default {@link ViConfig#DEFAULT_NUM_DRAWS}). Prints each
 * fit's time, then the median, minimum and maximum, k̂, the verdict and the posterior moments of
 * the last fit.
 */
public final class GarchBenchmark {

    private GarchBenchmark() {}

    /**
     * Runs the benchmark.
     *
     * @param args the optional arguments of the class documentation
     */
    public static void main(String[] args) {
        int fits = 10;
        int warmup = 3;
        int draws = ViConfig.DEFAULT_NUM_DRAWS;
        for (String arg : args) {
            String[] parts = arg.split("=", 2);
            if (parts.length != 2 || !parts[1].matches("\\d+")) {
                throw new IllegalArgumentException(
                        "unknown argument '" + arg + "'; expected fits=N, warmup=N or draws=N");
            }
            int value = Integer.parseInt(parts[1]);
            switch (parts[0]) {
                case "fits" -> fits = value;
                case "warmup" -> warmup = value;
                case "draws" -> draws = value;
                default ->
                    throw new IllegalArgumentException(
                            "unknown argument '" + arg + "'; expected fits=N, warmup=N or draws=N");
            }
        }
        double[] returns = PosteriorDbBenchmark.garchReturns(1000, new SplittableRandom(20261206));
        JavaModel garch = PosteriorDbModels.garch11(returns, 1.0);
        ViConfig config = ViConfig.builder().numDraws(draws).build();
        for (int i = 0; i < warmup; i++) {
            GaussianVi.fit(garch, config);
        }
        double[] milliseconds = new double[fits];
        VariationalPosterior fit = null;
        for (int i = 0; i < fits; i++) {
            long start = System.nanoTime();
            fit = GaussianVi.fit(garch, config);
            milliseconds[i] = (System.nanoTime() - start) * 1e-6;
            System.out.printf(Locale.ROOT, "fit %d: %.1f ms%n", i + 1, milliseconds[i]);
        }
        double[] sorted = milliseconds.clone();
        Arrays.sort(sorted);
        System.out.printf(
                Locale.ROOT,
                "GARCH(1,1), 1000 returns, %d output draws: median %.1f ms (min %.1f, max %.1f) over %d fits"
                        + " after %d warm-up; khat %.2f, %s%n",
                draws,
                sorted[fits / 2],
                sorted[0],
                sorted[fits - 1],
                fits,
                warmup,
                fit == null ? Double.NaN : fit.khat(),
                fit == null
                        ? "no fit"
                        : fit.reliable()
                                ? "reliable"
                                : "unreliable: " + fit.reliabilityReasons().get(0));
        if (fit != null) {
            PosteriorFitter.moments(garch, fit, 0)
                    .forEach((name, moments) -> System.out.printf(
                            Locale.ROOT, "  %s: mean %.4f, sd %.4f%n", name, moments.mean(), moments.sd()));
        }
    }
}
