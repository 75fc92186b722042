package io.github.elbo4j.cli;

import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.elbo4j.data.Dataset;
import io.github.elbo4j.vae.eval.AnomalyScorer;
import io.github.elbo4j.vae.eval.Evaluator;
import io.github.elbo4j.vae.eval.Workers;
import io.github.elbo4j.vae.model.VaeModel;
import io.github.elbo4j.vae.run.RunLock;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code elbo4j score}: per-record anomaly scores and flags against a threshold from training data. */
@Command(
        name = "score",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {
            "Score records for anomalies and flag the unusual ones.",
            "Score records for anomalies with a trained VAE and write a CSV with the columns index, neg_elbo "
                    + "(negative ELBO), nll (IWAE-K estimate of −log p(x)), recon_logprob (E_q[log p(x|z)] over K "
                    + "samples) and anomaly (1 when the --by score exceeds the --quantile quantile of the same score "
                    + "over the run's training records). Scores are nats per record."
        })
final class ScoreCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    RunInput input = new RunInput();

    @Option(
            names = "--k",
            paramLabel = "K",
            defaultValue = "50",
            description = "Samples per record for nll and recon_logprob. Default: ${DEFAULT-VALUE}.")
    int k;

    @Option(
            names = "--quantile",
            paramLabel = "Q",
            defaultValue = "" + AnomalyScorer.DEFAULT_QUANTILE,
            description = "Threshold = this quantile of the training records' scores. Default: ${DEFAULT-VALUE}.")
    double quantile;

    @Option(
            names = "--by",
            paramLabel = "SCORE",
            defaultValue = "neg_elbo",
            description =
                    "Score the threshold applies to: neg_elbo, nll or recon_logprob (low is anomalous). Default: ${DEFAULT-VALUE}.")
    String by;

    @Option(
            names = "--fit-limit",
            paramLabel = "N",
            defaultValue = "" + AnomalyScorer.DEFAULT_FIT_LIMIT,
            description =
                    "Training records the threshold is taken from (a seeded random subset). Default: ${DEFAULT-VALUE}.")
    int fitLimit;

    @Option(names = "--out", paramLabel = "FILE", description = "CSV to write (default: RUN/scores.csv).")
    Path out;

    @Mixin
    SeedOption seed = new SeedOption();

    @Mixin
    ThreadOptions parallel = new ThreadOptions();

    @Mixin
    CommonOptions common = new CommonOptions();

    @Override
    public Integer call() {
        common.configureEngine();
        int threads = parallel.count();
        AnomalyScorer.Score score = AnomalyScorer.Score.parse(by);
        AnomalyScorer.quantile(new double[] {0}, quantile); // validates --quantile before any work
        if (k < 1) {
            throw new IllegalArgumentException("--k must be at least 1, got " + k);
        }
        RunInput.Loaded loaded = input.load();
        Path target = out != null ? out : loaded.run().root().resolve("scores.csv");
        ArrayFiles.format(target, "--out", "csv");
        Dataset train = AnomalyScorer.fitRecords(
                RunData.load(loaded.run(), null, input.dataDir, "train", false).dataset(), fitLimit, seed.value());
        long start = System.nanoTime();
        AnomalyScorer.Threshold threshold;
        AnomalyScorer.Scores scores;
        try (NDManager manager = NDManager.newBaseManager();
                VaeModel model = loaded.run().loadModel(manager);
                Workers workers = new Workers(threads)) {
            AnomalyScorer scorer = new AnomalyScorer(
                    new Evaluator(model, manager, Evaluator.DEFAULT_MAX_PARTICLE_ROWS, workers), k, seed.value());
            try (Progress progress = new Progress("score: training records", "records")) {
                threshold = scorer.fit(train, score, quantile, progress);
            }
            try (Progress progress = new Progress("score", "records")) {
                scores = scorer.score(loaded.records(), progress);
            }
        }
        boolean[] flags = threshold.flag(scores);
        List<double[]> rows = new ArrayList<>(scores.size());
        int anomalies = 0;
        for (int i = 0; i < scores.size(); i++) {
            anomalies += flags[i] ? 1 : 0;
            rows.add(new double[] {
                loaded.indices()[i], scores.negElbo()[i], scores.nll()[i], scores.reconLogprob()[i], flags[i] ? 1 : 0
            });
        }
        // Writing into the run (the default does): one writer at a time.
        try (RunLock lock = RunLock.acquireIfInside(loaded.run().root(), "score", target)) {
            ArrayFiles.writeCsv(target, List.of("index", "neg_elbo", "nll", "recon_logprob", "anomaly"), rows);
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        // The threshold in the units of its CSV column; recon_logprob is anomalous when low.
        boolean low = score == AnomalyScorer.Score.RECON_LOGPROB;
        double columnThreshold = low ? -threshold.value() : threshold.value();
        String rule = score.id() + (low ? " < " : " > ") + "threshold";
        ObjectNode json = Output.object();
        json.put("run", loaded.run().root().toString());
        json.put("split", loaded.selection().split());
        json.put("n", scores.size());
        json.put("k", k);
        json.put("by", score.id());
        json.put("quantile", quantile);
        json.put("threshold", columnThreshold);
        json.put("flag_rule", rule);
        json.put("fitted_on", threshold.fitted());
        json.put("anomalies", anomalies);
        json.put("anomaly_rate", anomalies / (double) scores.size());
        json.put("mean_neg_elbo", Arrays.stream(scores.negElbo()).average().orElse(Double.NaN));
        json.put("mean_nll", Arrays.stream(scores.nll()).average().orElse(Double.NaN));
        json.put("out", target.toString());
        json.put("seconds", seconds);
        json.put("nll_estimator", "IWAE bound log mean_k p(x,z_k)/q(z_k|x), K=" + k);
        String human = String.format(
                "Scored %s (K=%d) in %.1f s: %d flagged (%.1f%%) by %s, threshold %.2f"
                        + " from the %.3g quantile of %d training records.%nScores: %s",
                RunData.describe(loaded.selection(), scores.size()),
                k,
                seconds,
                anomalies,
                100.0 * anomalies / scores.size(),
                rule,
                columnThreshold,
                quantile,
                threshold.fitted(),
                target);
        Output.print(spec.commandLine().getOut(), common.json, json, human);
        return 0;
    }
}
