package io.github.elbo4j.bench.posteriordb;

import io.github.elbo4j.bench.posteriordb.models.PosteriorDbModels;
import io.github.elbo4j.vi.GaussianVi;
import io.github.elbo4j.vi.VariationalPosterior;
import io.github.elbo4j.vi.ViMethod;
import io.github.elbo4j.vi.model.JavaModel;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.function.ToDoubleFunction;

/**
 * The posteriordb yardstick of issue 19: fits every posterior of the set with every method and
 * family ({@link FitMethod#all()}), judges each fit against the reference moments, and prints one
 * table with Stan's ADVI ({@code rstan::vb}, read from {@code scripts/posteriordb-vs-stan.sh}'s
 * output) beside it, then the speed figures: a gradient of eight schools in µs and the GARCH(1, 1)
 * and HMM fit times. Every time is measured after one warm-up fit of the same posterior by the same
 * method, so the just-in-time compiler does not time its own work. See {@code docs/posteriordb.md}.
 *
 * <p>Arguments, all optional: {@code stan=FOLDER} (default {@code runs/posteriordb-stan}; without
 * it the Stan rows are left out), {@code only=TEXT} (only posteriors whose name contains TEXT) and
 * {@code methods=NAME,NAME} (only these of {@code dadvi}, {@code advi}, {@code pathfinder}, {@code
 * laplace}; stochastic ADVI takes minutes on the HMM).
 */
public final class PosteriorDbBenchmark {

    /**
     * Posteriors whose gradient costs about a millisecond (the HMM's tape holds some 4,000 values),
     * where stochastic ADVI's up to 20,000 steps of 20 draws would take many minutes: not run.
     */
    private static final List<String> TOO_SLOW_FOR_ADVI = List.of("bball_drive_event_0-hmm_drive_0");

    private static final String ROW = "  %-27s %8s %8s %6s %-5s %-5s %-8s %9s%n";

    private PosteriorDbBenchmark() {}

    /**
     * Runs the benchmark.
     *
     * @param args the optional arguments of the class documentation
     * @throws IOException if the set cannot be read
     */
    public static void main(String[] args) throws IOException {
        Path stanFolder = Path.of("runs", "posteriordb-stan");
        String only = "";
        List<FitMethod> methods = FitMethod.all();
        for (String arg : args) {
            if (arg.startsWith("stan=")) {
                stanFolder = Path.of(arg.substring("stan=".length()));
            } else if (arg.startsWith("only=")) {
                only = arg.substring("only=".length());
            } else if (arg.startsWith("methods=")) {
                List<ViMethod> chosen = Arrays.stream(
                                arg.substring("methods=".length()).split(","))
                        .map(ViMethod::fromName)
                        .toList();
                methods = methods.stream()
                        .filter(method -> chosen.contains(method.config().method()))
                        .toList();
            } else {
                throw new IllegalArgumentException(
                        "unknown argument '" + arg + "'; expected stan=FOLDER, only=TEXT or methods=NAME,NAME");
            }
        }
        Path set = Posterior.locateSet()
                .orElseThrow(() -> new IllegalStateException(
                        "no shared/data/posteriordb-set in " + Path.of("").toAbsolutePath() + " or a folder above it"));
        Optional<StanVbResults> stan = Files.isRegularFile(stanFolder.resolve("stan-vb.csv"))
                ? Optional.of(StanVbResults.read(stanFolder))
                : Optional.empty();
        System.out.printf(
                "posteriordb set: %s%nStan's ADVI: %s%n%n",
                set,
                stan.isPresent()
                        ? stanFolder
                        : "no " + stanFolder.resolve("stan-vb.csv")
                                + " (run elbo4j-bench/scripts/posteriordb-vs-stan.sh)");
        System.out.printf(
                ROW, "posterior / method", "mean err", "sd ratio", "khat", "pass", "conv", "reliable", "time");

        List<FitReport> defaults = new ArrayList<>();
        List<FitReport> all = new ArrayList<>();
        int fasterThanStan = 0;
        int comparedWithStan = 0;
        String filter = only;
        List<String> names = Posterior.names(set).stream()
                .filter(name -> name.contains(filter))
                .toList();
        for (String name : names) {
            Posterior posterior = Posterior.load(set, name);
            System.out.printf(
                    "%s (%d parameters)%n", name, posterior.reference().size());
            Optional<JavaModel> model = PosteriorDbModels.of(name, posterior.data());
            if (model.isEmpty()) {
                System.out.println("  no elbo4j model written");
            }
            FitReport defaultFit = null;
            for (FitMethod method : model.isPresent() ? methods : List.<FitMethod>of()) {
                if (method.config().method() == ViMethod.ADVI && TOO_SLOW_FOR_ADVI.contains(name)) {
                    System.out.printf(ROW, method.label(), "not run", "", "", "", "", "", "");
                    continue;
                }
                PosteriorFitter.fit(posterior, model.get(), method);
                FitReport report = PosteriorFitter.fit(posterior, model.get(), method);
                print(report);
                all.add(report);
                if (method.equals(FitMethod.DEFAULT)) {
                    defaultFit = report;
                    defaults.add(report);
                }
            }
            if (stan.isPresent()) {
                for (String method : List.of("stan-meanfield", "stan-fullrank")) {
                    printStan(posterior, method, stan.get().fits(name, method));
                }
                double stanSeconds = median(stan.get().fits(name, "stan-meanfield"), StanVbResults.Fit::seconds);
                if (defaultFit != null && !Double.isNaN(stanSeconds)) {
                    comparedWithStan++;
                    fasterThanStan += defaultFit.seconds() < stanSeconds ? 1 : 0;
                }
            }
        }
        summarize(defaults, all, fasterThanStan, comparedWithStan);
        stan.ifPresent(results -> printCompileTimes(results, names));
        speed(set, defaults);
    }

    private static void print(FitReport report) {
        Accuracy accuracy = report.accuracy();
        System.out.printf(
                ROW,
                report.method(),
                accuracy == null ? "failed" : number(accuracy.worstMeanError()),
                accuracy == null ? "" : number(accuracy.worstSdRatio()),
                number(report.khat()),
                report.passes() ? "yes" : "no",
                report.converged() ? "yes" : "no",
                report.reliable() ? "yes" : "no",
                time(report.seconds()));
        if (accuracy == null) {
            System.out.println("    " + report.reasons().get(0));
        }
    }

    /** One row per Stan method: medians over the seeds that returned draws; pass and conv count seeds. */
    private static void printStan(Posterior posterior, String method, List<StanVbResults.Fit> fits) {
        if (fits.isEmpty()) {
            System.out.printf(ROW, method, "not run", "", "", "", "", "", "");
            return;
        }
        List<StanVbResults.Fit> succeeded =
                fits.stream().filter(StanVbResults.Fit::succeeded).toList();
        List<Accuracy> accuracies = succeeded.stream()
                .map(fit -> Accuracy.of(posterior.reference(), fit.moments()))
                .toList();
        long passes = accuracies.stream().filter(Accuracy::passes).count();
        System.out.printf(
                ROW,
                method + " (" + fits.size() + " seeds)",
                number(median(accuracies, Accuracy::worstMeanError)),
                number(median(accuracies, Accuracy::worstSdRatio)),
                number(median(succeeded, StanVbResults.Fit::paretoK)),
                passes + "/" + fits.size(),
                succeeded.size() + "/" + fits.size(),
                "-",
                time(median(fits, StanVbResults.Fit::seconds)));
    }

    private static void summarize(
            List<FitReport> defaults, List<FitReport> all, int fasterThanStan, int comparedWithStan) {
        System.out.printf(
                "%nDefault fit (%s): %d of %d posteriors pass (every mean within 0.1 sd, every sd"
                        + " within 10%%); %d more are marked unreliable.%n",
                FitMethod.DEFAULT.label(),
                defaults.stream().filter(FitReport::passes).count(),
                defaults.size(),
                defaults.stream().filter(r -> !r.passes() && !r.reliable()).count());
        for (FitReport report : defaults) {
            if (!report.rightOrFlagged()) {
                System.out.printf("  WRONG AND NOT FLAGGED: %s (%s)%n", report.posterior(), worst(report.accuracy()));
            } else if (!report.reliable()) {
                System.out.printf(
                        "  %s: %s%n",
                        report.posterior(), abbreviate(report.reasons().get(0)));
            }
        }
        List<FitReport> misleading = all.stream().filter(FitReport::misleading).toList();
        System.out.printf(
                "Fits reporting converged and reliable with a mean more than 0.5 sd off: %d of %d%n",
                misleading.size(), all.size());
        misleading.forEach(r -> System.out.printf("  %s, %s: %s%n", r.posterior(), r.method(), worst(r.accuracy())));
        if (comparedWithStan > 0) {
            System.out.printf(
                    "Default fit faster than Stan's mean-field vb() (median over seeds): %d of %d%n",
                    fasterThanStan, comparedWithStan);
        }
    }

    private static void printCompileTimes(StanVbResults stan, List<String> names) {
        System.out.printf("%nStan compile times (not in the times above):%n");
        for (String name : names) {
            stan.compileSeconds(name).ifPresent(seconds -> System.out.printf("  %-44s %6.1f s%n", name, seconds));
        }
    }

    /** The speed criteria of issue 19: a gradient of eight schools, the GARCH and HMM fits. */
    private static void speed(Path set, List<FitReport> defaults) throws IOException {
        System.out.println();
        Posterior schools = Posterior.load(set, "eight_schools-eight_schools_noncentered");
        JavaModel eightSchools =
                PosteriorDbModels.of(schools.name(), schools.data()).orElseThrow();
        double[] z =
                new SplittableRandom(1).doubles(eightSchools.dimension(), -1, 1).toArray();
        double[] gradient = new double[z.length];
        double sink = 0;
        for (int i = 0; i < 200_000; i++) {
            sink += eightSchools.logDensity(z, gradient);
        }
        int evaluations = 1_000_000;
        long start = System.nanoTime();
        for (int i = 0; i < evaluations; i++) {
            sink += eightSchools.logDensity(z, gradient);
        }
        double micros = (System.nanoTime() - start) * 1e-3 / evaluations;
        System.out.printf(
                "Eight schools log density and gradient: %.2f µs (mean of %,d after %,d warm-up; %s)%n",
                micros, evaluations, 200_000, Double.isFinite(sink) ? "finite" : "NOT FINITE");

        int length = 1000;
        double[] returns = garchReturns(length, new SplittableRandom(20261206));
        JavaModel garch = PosteriorDbModels.garch11(returns, 1.0);
        GaussianVi.fit(garch, FitMethod.DEFAULT.config());
        start = System.nanoTime();
        VariationalPosterior fit = GaussianVi.fit(garch, FitMethod.DEFAULT.config());
        double seconds = (System.nanoTime() - start) * 1e-9;
        Map<String, Moments> moments = PosteriorFitter.moments(garch, fit, 0);
        System.out.printf(
                "GARCH(1,1), %d generated returns, default fit: %s, %s%n  posterior means%s"
                        + " (generated with mu 0.1, alpha0 0.1, alpha1 0.2, beta1 0.7)%n",
                length,
                time(seconds),
                fit.reliable()
                        ? "reliable"
                        : "unreliable: " + abbreviate(fit.reliabilityReasons().get(0)),
                moments.entrySet().stream()
                        .map(e -> String.format(
                                Locale.ROOT,
                                " %s %.3f",
                                e.getKey(),
                                e.getValue().mean()))
                        .reduce("", String::concat));
        defaults.stream()
                .filter(report -> report.posterior().equals(TOO_SLOW_FOR_ADVI.get(0)))
                .forEach(report -> System.out.printf(
                        "HMM (%s), default fit: %s, %s%n",
                        report.posterior(), time(report.seconds()), report.passes() ? "passes" : "does not pass"));
    }

    /** GARCH(1, 1) returns with mu 0.1, alpha0 0.1, alpha1 0.2, beta1 0.7 and sigma[1] = 1. */
    public static double[] garchReturns(int length, SplittableRandom random) {
        double[] r = new double[length];
        double sigma = 1;
        for (int t = 0; t < length; t++) {
            if (t > 0) {
                sigma = Math.sqrt(0.1 + 0.2 * (r[t - 1] - 0.1) * (r[t - 1] - 0.1) + 0.7 * sigma * sigma);
            }
            r[t] = 0.1 + sigma * random.nextGaussian();
        }
        return r;
    }

    private static <T> double median(List<T> items, ToDoubleFunction<T> value) {
        double[] values = items.stream()
                .mapToDouble(value)
                .filter(v -> !Double.isNaN(v))
                .sorted()
                .toArray();
        if (values.length == 0) {
            return Double.NaN;
        }
        return values.length % 2 == 1
                ? values[values.length / 2]
                : (values[values.length / 2 - 1] + values[values.length / 2]) / 2;
    }

    private static String worst(Accuracy accuracy) {
        return "mean error " + number(accuracy.worstMeanError()) + " sd on " + accuracy.worstMeanParameter()
                + ", sd ratio " + number(accuracy.worstSdRatio()) + " on " + accuracy.worstSdParameter();
    }

    private static String abbreviate(String text) {
        return text.length() <= 120 ? text : text.substring(0, 119) + "…";
    }

    private static String number(double value) {
        if (Double.isNaN(value)) {
            return "-";
        }
        if (value >= 100) {
            return value == Double.POSITIVE_INFINITY ? "inf" : ">99";
        }
        return String.format(Locale.ROOT, "%.2f", value);
    }

    private static String time(double seconds) {
        if (Double.isNaN(seconds)) {
            return "-";
        }
        return seconds < 1
                ? String.format(Locale.ROOT, "%.1f ms", seconds * 1e3)
                : String.format(Locale.ROOT, "%.2f s", seconds);
    }
}
