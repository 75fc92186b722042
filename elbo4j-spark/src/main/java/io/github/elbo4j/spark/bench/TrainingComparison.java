package io.github.elbo4j.spark.bench;

import ai.djl.ndarray.NDManager;
import io.github.elbo4j.data.DataSource;
import io.github.elbo4j.data.Dataset;
import io.github.elbo4j.data.DatasetSplits;
import io.github.elbo4j.spark.VaeEstimator;
import io.github.elbo4j.spark.VaeTransformerModel;
import io.github.elbo4j.vae.Evaluator;
import io.github.elbo4j.vae.Seeds;
import io.github.elbo4j.vae.Trainer;
import io.github.elbo4j.vae.TrainingConfig;
import io.github.elbo4j.vae.TrainingListener;
import io.github.elbo4j.vae.TrainingResult;
import io.github.elbo4j.vae.VaeConfig;
import io.github.elbo4j.vae.VaeModel;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * Spark against single-machine VAE training for the same number of epochs (issue 6, acceptance 2):
 * {@code --data binarized-mnist --data-dir ../shared/data --epochs 10 --partitions 2 --sync-every 1
 * --master local[2] --train-limit 0 --hidden 200,200 --latent 50 --batch-size 100 --lr 1e-3 --seed 0}.
 * Both runs start from the same initialization; both validation ELBOs come from the same evaluator
 * (single-sample ELBO with analytic KL, per-example noise from the seed) on the whole validation
 * split. Prints both, their difference and the wall times.
 */
public final class TrainingComparison {

    private TrainingComparison() {}

    public static void main(String[] args) {
        BenchSupport.singleThreadedEngine();
        Map<String, String> o = BenchSupport.options(args);
        String dataSpec = o.getOrDefault("data", "binarized-mnist");
        Path dataDir = Path.of(o.getOrDefault("data-dir", "../shared/data"));
        int epochs = Integer.parseInt(o.getOrDefault("epochs", "10"));
        int partitions = Integer.parseInt(o.getOrDefault("partitions", "2"));
        int syncEvery = Integer.parseInt(o.getOrDefault("sync-every", "1"));
        String master = o.getOrDefault("master", "local[2]");
        int limit = Integer.parseInt(o.getOrDefault("train-limit", "0"));
        int[] hidden = Arrays.stream(o.getOrDefault("hidden", "200,200").split(",")).mapToInt(Integer::parseInt)
                .toArray();
        int latent = Integer.parseInt(o.getOrDefault("latent", "50"));
        int batch = Integer.parseInt(o.getOrDefault("batch-size", "100"));
        double lr = Double.parseDouble(o.getOrDefault("lr", "1e-3"));
        long seed = Long.parseLong(o.getOrDefault("seed", "0"));
        boolean skipLocal = Boolean.parseBoolean(o.getOrDefault("skip-local", "false"));

        DatasetSplits splits = DataSource.load(dataSpec, dataDir, false);
        Dataset train = splits.train();
        if (limit > 0 && limit < train.rows()) {
            train = train.subset(Arrays.copyOf(io.github.elbo4j.data.Batching.permutation(train.rows(), seed, 0),
                    limit));
        }
        Dataset valid = splits.valid() != null ? splits.valid() : splits.test();
        VaeConfig config = VaeConfig.builder().inputShape(train.exampleShape()).hidden(hidden).latent(latent).build();
        System.out.printf(Locale.ROOT, "%s: %d train, %d valid rows; %s; %d epochs, batch %d, lr %g, seed %d%n",
                dataSpec, train.rows(), valid.rows(), config, epochs, batch, lr, seed);

        double localValid = Double.NaN;
        double localSeconds = Double.NaN;
        if (!skipLocal) {
            try (NDManager manager = NDManager.newBaseManager();
                    VaeModel model = VaeModel.initialize(config, manager, Seeds.derive(seed, Seeds.Stream.INIT, 0))) {
                long start = System.nanoTime();
                TrainingResult result = new Trainer(new TrainingConfig(epochs, batch, lr, seed), TrainingListener.NONE)
                        .train(model, train, null, null, null);
                localSeconds = (System.nanoTime() - start) / 1e9;
                localValid = new Evaluator(model, manager).elbo(valid, seed).elbo();
                System.out.printf(Locale.ROOT, "single machine: train ELBO %.2f, valid ELBO %.2f, %.1f s%n",
                        result.elbo(), localValid, localSeconds);
            }
        }

        SparkSession spark = BenchSupport.session(master);
        org.apache.spark.sql.Dataset<Row> df = BenchSupport.vectors(spark, train.values(), train.rows(),
                train.features(), partitions);
        long start = System.nanoTime();
        VaeTransformerModel fitted = new VaeEstimator().setInputShape(config.inputShape()).setHidden(hidden)
                .setLatent(latent).setEpochs(epochs).setBatchSize(batch).setLearningRate(lr).setSeed(seed)
                .setSyncEvery(syncEvery).fit(df);
        double sparkSeconds = (System.nanoTime() - start) / 1e9;
        spark.stop();
        double sparkValid;
        try (NDManager manager = NDManager.newBaseManager();
                VaeModel model = fitted.toVaeModel(manager)) {
            sparkValid = new Evaluator(model, manager).elbo(valid, seed).elbo();
        }
        var last = fitted.trainingMetrics().get(fitted.trainingMetrics().size() - 1);
        System.out.printf(Locale.ROOT, "spark (%s, %d partitions, sync every %d): train ELBO %.2f, valid ELBO %.2f,"
                + " %.1f s%n", master, partitions, syncEvery, last.elbo(), sparkValid, sparkSeconds);
        if (!skipLocal) {
            System.out.printf(Locale.ROOT, "valid ELBO difference spark - single machine: %+.2f nats (criterion:"
                    + " within 1 nat) -> %s%n", sparkValid - localValid,
                    Math.abs(sparkValid - localValid) <= 1 ? "PASS" : "FAIL");
        }
    }
}
