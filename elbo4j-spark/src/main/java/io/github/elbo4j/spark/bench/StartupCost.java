package io.github.elbo4j.spark.bench;

import ai.djl.ndarray.NDManager;
import io.github.elbo4j.spark.VaeTransformerModel;
import io.github.elbo4j.vae.model.VaeConfig;
import io.github.elbo4j.vae.model.VaeModel;
import java.lang.management.ManagementFactory;
import java.util.Locale;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;

/**
 * The fixed cost of an elbo4j application on Spark, measured from the start of the JVM (what
 * {@code spark-submit} launches): {@code --master local[2] --rows 1000}. Prints the time until the
 * session is up, until a trivial first job ({@code count} of a one-row range) has finished, a second
 * trivial job, the loading of the PyTorch engine (which every executor JVM pays once), and a first
 * scoring job of {@code --rows} rows (the standard model, K = 1) against the same job run again.
 */
public final class StartupCost {

    private StartupCost() {}

    /** Runs the measurement with the options above and prints one line per stage; run it with {@code elbo4j-bench/scripts/spark-bench.sh StartupCost}. */
    public static void main(String[] args) {
        long jvmStart = ManagementFactory.getRuntimeMXBean().getStartTime();
        BenchSupport.singleThreadedEngine();
        Map<String, String> o = BenchSupport.options(args);
        String master = o.getOrDefault("master", "local[2]");
        int rows = Integer.parseInt(o.getOrDefault("rows", "1000"));
        double mainEntered = since(jvmStart);

        SparkSession spark = BenchSupport.session(master);
        double sessionUp = since(jvmStart);
        double sessionCpu = processCpuSeconds();
        long t = System.nanoTime();
        spark.range(1).count();
        double firstJob = seconds(t);
        double firstJobDone = since(jvmStart);
        double firstJobCpu = processCpuSeconds();
        t = System.nanoTime();
        spark.range(1).count();
        double secondJob = seconds(t);

        float[] values = new float[rows * 784];
        java.util.SplittableRandom random = new java.util.SplittableRandom(0);
        for (int i = 0; i < values.length; i++) {
            values[i] = random.nextInt(2);
        }
        org.apache.spark.sql.Dataset<Row> df =
                BenchSupport.vectors(spark, values, rows, 784, 2).cache();
        df.count();
        VaeTransformerModel model;
        VaeConfig config = VaeConfig.builder()
                .inputShape(28, 28)
                .hidden(200, 200)
                .latent(50)
                .build();
        // The first engine manager loads PyTorch's natives: in local mode the driver is the
        // executor; on a cluster every executor pays this in its first VAE task.
        t = System.nanoTime();
        double engineLoad;
        try (NDManager manager = NDManager.newBaseManager()) {
            engineLoad = seconds(t);
            try (VaeModel vae = VaeModel.initialize(config, manager, 1)) {
                model = VaeTransformerModel.of(vae).setK(1);
            }
        }
        t = System.nanoTime();
        score(model, df);
        double firstScoring = seconds(t);
        t = System.nanoTime();
        score(model, df);
        double secondScoring = seconds(t);
        spark.stop();

        System.out.printf(
                Locale.ROOT,
                "%s: JVM start -> main %.2f s; -> session up %.2f s (%.1f s of process CPU); first trivial job"
                        + " %.3f s (done at %.2f s, %.1f s of process CPU); second trivial job %.3f s%n",
                master,
                mainEntered,
                sessionUp,
                sessionCpu,
                firstJob,
                firstJobDone,
                firstJobCpu,
                secondJob);
        System.out.printf(
                Locale.ROOT,
                "%s: loading the PyTorch engine %.2f s; scoring %d rows (K = 1): first job %.2f s, again %.2f s;"
                        + " first-job extra (model upload, compilation) %.2f s%n",
                master,
                engineLoad,
                rows,
                firstScoring,
                secondScoring,
                firstScoring - secondScoring);
    }

    private static void score(VaeTransformerModel model, org.apache.spark.sql.Dataset<Row> df) {
        model.transform(df).agg(functions.avg("elbo")).first();
    }

    /** CPU time of this JVM so far, every thread: less stretched than wall time on a busy machine. */
    private static double processCpuSeconds() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                        .getProcessCpuTime()
                / 1e9;
    }

    private static double since(long epochMillis) {
        return (System.currentTimeMillis() - epochMillis) / 1e3;
    }

    private static double seconds(long startNanos) {
        return (System.nanoTime() - startNanos) / 1e9;
    }
}
