package io.github.elbo4j.report;

import ai.djl.ndarray.NDManager;
import io.github.elbo4j.data.Dataset;
import io.github.elbo4j.data.SettingException;
import io.github.elbo4j.vae.eval.Generator;
import io.github.elbo4j.vae.eval.LatentSpace;
import io.github.elbo4j.vae.model.VaeModel;
import io.github.elbo4j.vae.objective.ElboSummary;
import io.github.elbo4j.vae.run.RunDirectory;
import io.github.elbo4j.vae.train.ProgressListener;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Writes the pictures of a trained run into {@code RUN/plots/} and the self-contained
 * {@code RUN/report.html}: what {@code train} does at its end and {@code report} does on demand.
 */
public final class RunArtifacts {

    /** Input vs reconstruction grid. */
    public static final String RECONSTRUCTIONS = "reconstructions.png";
    /** Interpolation strips. */
    public static final String INTERPOLATION = "interpolation.png";
    /** Prior samples grid. */
    public static final String SAMPLES = "samples.png";

    private static final int SAMPLE_GRID = 64;
    private static final int RECONSTRUCTION_COLUMNS = 8;
    private static final int RECONSTRUCTION_PAIRS = 4;
    private static final int INTERPOLATION_STEPS = 10;
    private static final int INTERPOLATION_STRIPS = 4;
    private static final int SCATTER_POINTS = 2000;
    private static final int MAGNIFY = 2;

    /**
     * What the artifacts are made from.
     *
     * @param k importance samples of the log-likelihood estimate, or with a finite budget the most
     *     it may take
     * @param seed seed of the prior samples and of the evaluation noise
     * @param workers evaluation threads
     * @param budgetSeconds about how long the evaluation may take: K is lowered from {@code k} until
     *     it fits (see {@link RunEvaluation#compute}); infinite for exactly {@code k}
     */
    public record Options(int k, long seed, int workers, double budgetSeconds) {

        /** Validates the numbers. */
        public Options {
            if (k < 1) {
                throw new SettingException("k must be at least 1, got " + k, "k");
            }
            if (workers < 1) {
                throw new SettingException("workers must be at least 1, got " + workers, "workers");
            }
            if (!(budgetSeconds > 0)) {
                throw new SettingException("budgetSeconds must be positive, got " + budgetSeconds, "budgetSeconds");
            }
        }

        /** Exactly {@code k} importance samples, however long they take. */
        public Options(int k, long seed, int workers) {
            this(k, seed, workers, Double.POSITIVE_INFINITY);
        }
    }

    /**
     * What was written.
     *
     * @param report the HTML report
     * @param plots the PNG files, in the order they were written
     * @param evaluation the numbers behind them
     */
    public record Written(Path report, List<Path> plots, RunEvaluation evaluation) {}

    private RunArtifacts() {}

    /**
     * Evaluates {@code model} on {@code data} (the {@code split} of the run's dataset; the anomaly
     * threshold is fitted on {@code train}), writes every plot and then the report, reporting the evaluation's progress (see {@link RunEvaluation#compute}).
     */
    public static Written write(
            RunDirectory run,
            VaeModel model,
            NDManager manager,
            Dataset data,
            String split,
            Dataset train,
            Options options,
            ProgressListener progress) {
        RunEvaluation evaluation = RunEvaluation.compute(model, manager, data, split, train, options, progress);
        List<Path> plots = writePlots(run, model, manager, data, evaluation, options.seed());
        return new Written(HtmlReport.write(run, evaluation), plots, evaluation);
    }

    /**
     * {@link #write} for the end of training: the weights are already saved, so a failure here
     * (a damaged test split, an unwritable plots folder) must not turn a finished run into a failed
     * one. It is reported on {@code warnings} with the command that retries it, and null is returned.
     */
    public static Path writeAfterTraining(
            RunDirectory run,
            VaeModel model,
            NDManager manager,
            Dataset data,
            String split,
            Dataset train,
            Options options,
            ProgressListener progress,
            PrintStream warnings) {
        try {
            return write(run, model, manager, data, split, train, options, progress)
                    .report();
        } catch (RuntimeException e) {
            warnings.println("elbo4j: the model is saved, but the plots and report failed: " + e.getMessage()
                    + "; retry with: elbo4j report --run " + run.root());
            return null;
        }
    }

    /** Writes the plots of a trained model; image grids only for image data (height × width). */
    public static List<Path> writePlots(
            RunDirectory run, VaeModel model, NDManager manager, Dataset data, RunEvaluation evaluation, long seed) {
        Path dir = run.plotsDirectory();
        List<Path> written = new ArrayList<>();
        Path curves = writeCurves(run);
        if (curves != null) {
            written.add(curves);
        }
        LatentSpace views = new LatentSpace(model, manager);
        int[] shape = model.config().inputShape();
        if (shape.length == 2) {
            float[][] samples = Generator.samplePrior(model, manager, SAMPLE_GRID, seed);
            written.add(Png.write(ImageGrid.render(samples, shape[0], shape[1], 8, MAGNIFY), dir.resolve(SAMPLES)));
            written.add(Png.write(reconstructionGrid(views, data, shape), dir.resolve(RECONSTRUCTIONS)));
            written.add(Png.write(interpolationStrips(views, data, shape), dir.resolve(INTERPOLATION)));
        }
        Dataset spread = data.subset(spreadIndices(data.rows(), SCATTER_POINTS));
        ElboSummary summary = evaluation.summary();
        written.add(LatentScatter.write(
                rows(views.encode(spread, ProgressListener.NONE).mean(), spread.rows()),
                spread.labels(),
                ClassNames.of(run),
                summary.klPerDimension(),
                summary.posteriorMeanVariance(),
                dir.resolve(LatentScatter.FILE)));
        written.add(KlBarChart.write(
                summary.klPerDimension(), summary.posteriorMeanVariance(), dir.resolve(KlBarChart.FILE)));
        // The threshold is fitted on training records, as score fits it: the share of this split
        // above it is an answer, not 1% by construction.
        written.add(AnomalyHistogram.write(
                evaluation.anomalyScores(),
                evaluation.anomalyThreshold(),
                String.format("-log p(x), IWAE K=%d (nats)", evaluation.k()),
                dir.resolve(AnomalyHistogram.FILE)));
        return written;
    }

    /** Redraws {@code RUN/plots/curves.png} from {@code metrics.jsonl}; null while it holds no epoch. */
    public static Path writeCurves(RunDirectory run) {
        MetricsTable metrics = new MetricsTable(run.readMetrics());
        if (!metrics.has("epoch")) {
            return null;
        }
        return TrainingCurves.write(metrics, run.plotsDirectory().resolve(TrainingCurves.FILE));
    }

    private static java.awt.image.BufferedImage reconstructionGrid(LatentSpace views, Dataset data, int[] shape) {
        int n = RECONSTRUCTION_COLUMNS * RECONSTRUCTION_PAIRS;
        Dataset picked = data.subset(spreadIndices(data.rows(), n));
        float[][] inputs = rows(picked.values(), picked.rows());
        float[][] recon = rows(views.reconstruct(picked, ProgressListener.NONE), picked.rows());
        // Row pairs: a row of inputs, then the row of their reconstructions right below.
        List<float[]> cells = new ArrayList<>();
        for (int from = 0; from < inputs.length; from += RECONSTRUCTION_COLUMNS) {
            int to = Math.min(inputs.length, from + RECONSTRUCTION_COLUMNS);
            for (int i = from; i < from + RECONSTRUCTION_COLUMNS; i++) {
                cells.add(i < to ? inputs[i] : new float[inputs[0].length]);
            }
            for (int i = from; i < from + RECONSTRUCTION_COLUMNS; i++) {
                cells.add(i < to ? recon[i] : new float[inputs[0].length]);
            }
        }
        List<String> labels = new ArrayList<>();
        for (int row = 0; row < cells.size() / RECONSTRUCTION_COLUMNS; row++) {
            labels.add(row % 2 == 0 ? "input" : "reconstruction");
        }
        return ImageGrid.labelRows(
                ImageGrid.render(cells.toArray(new float[0][]), shape[0], shape[1], RECONSTRUCTION_COLUMNS, MAGNIFY),
                labels);
    }

    private static java.awt.image.BufferedImage interpolationStrips(LatentSpace views, Dataset data, int[] shape) {
        int[] ends = spreadIndices(data.rows(), 2 * INTERPOLATION_STRIPS);
        if (ends.length < 2) {
            // A single example: its reconstruction stands still along a zero-length line.
            ends = new int[] {0, 0};
        }
        List<float[]> cells = new ArrayList<>();
        List<String> labels = new ArrayList<>();
        for (int s = 0; s + 1 < ends.length; s += 2) {
            cells.addAll(List.of(rows(
                    views.interpolate(
                                    data.row(ends[s]),
                                    label(data, ends[s]),
                                    data.row(ends[s + 1]),
                                    label(data, ends[s + 1]),
                                    INTERPOLATION_STEPS,
                                    false)
                            .decoded(),
                    INTERPOLATION_STEPS)));
            // Which records each strip runs between (their row numbers in the evaluated split).
            labels.add("#" + ends[s] + " to #" + ends[s + 1]);
        }
        return ImageGrid.labelRows(
                ImageGrid.render(cells.toArray(new float[0][]), shape[0], shape[1], INTERPOLATION_STEPS, MAGNIFY),
                labels);
    }

    /** The label of record {@code i}, or −1 for unlabelled data (what an unconditional model takes). */
    private static int label(Dataset data, int i) {
        return data.labels() == null ? -1 : data.labels()[i];
    }

    /** Row-major values split into {@code n} rows. */
    private static float[][] rows(float[] flat, int n) {
        int width = flat.length / n;
        float[][] rows = new float[n][];
        for (int i = 0; i < n; i++) {
            rows[i] = Arrays.copyOfRange(flat, i * width, (i + 1) * width);
        }
        return rows;
    }

    /**
     * Up to {@code n} indices spread evenly over {@code [0, rows)}: test files are often ordered by
     * class, so the first rows would show only one class.
     */
    static int[] spreadIndices(int rows, int n) {
        int count = Math.min(rows, n);
        int[] indices = new int[count];
        for (int i = 0; i < count; i++) {
            indices[i] = (int) ((long) i * rows / count + (rows / count) / 2);
        }
        return indices;
    }
}
