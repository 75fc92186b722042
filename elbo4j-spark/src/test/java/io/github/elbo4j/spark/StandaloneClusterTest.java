package io.github.elbo4j.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.elbo4j.data.Shapes;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real standalone cluster on 127.0.0.1: a master and two workers as separate JVMs started from
 * the test classpath (the Maven-resolved Spark jars, nothing downloaded), with training, scoring
 * and VI submitted through {@code SparkSubmit} in client mode. One worker is killed with its
 * executor in the middle of training (a lost node: its cached shards and shuffle files go with it),
 * and the model must still be bit-identical to one trained in this JVM on {@code local[2]} from a
 * differently partitioned input. Tagged {@code cluster}: about 10 JVM starts, so the longest
 * test class of the module ({@code -DexcludedGroups=cluster} leaves it out).
 */
@org.junit.jupiter.api.Tag("cluster")
class StandaloneClusterTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    /** Generous: a loaded 2-core machine takes tens of seconds to start an executor. */
    private static final Duration TIMEOUT = Duration.ofSeconds(300);

    @TempDir
    static Path temp;

    private static final List<Process> STARTED = new ArrayList<>();
    private static String classpath;
    private static List<String> jvmFlags;
    private static String master;
    private static Process secondWorker;
    private static Path masterLog;
    private static Path logConfig;

    @BeforeAll
    static void startCluster() throws Exception {
        classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        jvmFlags = ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
                .filter(a -> a.startsWith("--add-opens")
                        || a.startsWith("--add-modules")
                        || a.startsWith("-Dai.djl")
                        || a.startsWith("-Djdk.reflect")
                        || a.startsWith("-Dio.netty"))
                .toList();
        // The test resources silence Spark; the daemons must log worker registrations and losses.
        logConfig = Files.writeString(
                temp.resolve("log4j2.properties"),
                String.join(
                        "\n",
                        "rootLogger.level = warn",
                        "rootLogger.appenderRef.stdout.ref = console",
                        "appender.console.type = Console",
                        "appender.console.name = console",
                        "appender.console.target = SYSTEM_ERR",
                        "appender.console.layout.type = PatternLayout",
                        "appender.console.layout.pattern = %d %p %c{1}: %m%n",
                        "logger.deploy.name = org.apache.spark.deploy.master",
                        "logger.deploy.level = info",
                        ""));
        Path sparkHome = Files.createDirectories(temp.resolve("spark-home").resolve("jars"))
                .getParent();
        int port = freePort();
        master = "spark://127.0.0.1:" + port;
        masterLog = temp.resolve("master.log");
        start(
                masterLog,
                sparkHome,
                "org.apache.spark.deploy.master.Master",
                "--host",
                "127.0.0.1",
                "--port",
                Integer.toString(port),
                "--webui-port",
                Integer.toString(freePort()));
        for (int w = 1; w <= 2; w++) {
            Process worker = start(
                    temp.resolve("worker" + w + ".log"),
                    sparkHome,
                    "org.apache.spark.deploy.worker.Worker",
                    "--host",
                    "127.0.0.1",
                    "--cores",
                    "1",
                    "--memory",
                    "1g",
                    "--webui-port",
                    Integer.toString(freePort()),
                    "--work-dir",
                    Files.createDirectories(temp.resolve("work" + w)).toString(),
                    master);
            if (w == 2) {
                secondWorker = worker;
            }
        }
        await(
                "two workers registered with the master (" + masterLog + ")",
                () -> count(masterLog, "Registering worker") >= 2);
    }

    @AfterAll
    static void stopCluster() {
        for (Process p : STARTED) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
        }
    }

    @Test
    void trainingSurvivesALostWorkerBitIdenticallyAndScoringAndViRunOnTheCluster() throws Exception {
        SparkSession spark = SparkTestSession.get();
        String table = temp.resolve("shapes.parquet").toString();
        SparkTestSession.vectors(Shapes.generate(600, 41)).write().parquet(table);
        String[] model = {
            "--data",
            table,
            "--input-col",
            "features",
            "--hidden",
            "32",
            "--latent",
            "4",
            "--epochs",
            "5",
            "--batch-size",
            "50",
            "--sync-every",
            "2",
            "--seed",
            "3"
        };

        // The reference: this JVM, local[2], five input partitions after a shuffle.
        Path local = temp.resolve("local-model");
        SparkTrain.execute(spark, concat(model, "--partitions", "5", "--out", local.toString()));

        // The cluster, two input partitions; the second worker dies once the first epoch is logged.
        Path clustered = temp.resolve("cluster-model");
        Path runDir = temp.resolve("cluster-run");
        Process train = submit(
                "train",
                "io.github.elbo4j.spark.SparkTrain",
                concat(model, "--partitions", "2", "--out", clustered.toString(), "--run-dir", runDir.toString()));
        Path metrics = runDir.resolve("metrics.jsonl");
        await("the first epoch on the cluster", () -> Files.exists(metrics) && lines(metrics) >= 1);
        long epochsBeforeTheKill = lines(metrics);
        List<ProcessHandle> node = new ArrayList<>(secondWorker.descendants().toList());
        secondWorker.destroyForcibly();
        node.forEach(ProcessHandle::destroyForcibly);
        JsonNode trained = finish(train, "train");
        assertThat(epochsBeforeTheKill).isLessThan(5);
        assertThat(trained.path("epochs").asInt()).isEqualTo(5);
        assertThat(count(masterLog, "Removing worker")).isGreaterThanOrEqualTo(1);
        VaeTransformerModel fromCluster = VaeTransformerModel.load(clustered.toString());
        assertThat(fromCluster.parameters())
                .isEqualTo(VaeTransformerModel.load(local.toString()).parameters());
        assertThat(fromCluster.anomalyThreshold())
                .isEqualTo(VaeTransformerModel.load(local.toString()).anomalyThreshold());

        // Scoring on the (now one-worker) cluster agrees with scoring here (each row's noise comes
        // from its values; the batched products of other chunks may round differently).
        String[] score = {
            "--model", clustered.toString(), "--data", table, "--input-col", "features", "--k", "8", "--partitions", "3"
        };
        JsonNode means = finish(
                submit(
                        "score",
                        "io.github.elbo4j.spark.SparkScore",
                        concat(
                                score,
                                "--out",
                                temp.resolve("cluster-scored.parquet").toString())),
                "score");
        JsonNode here = JSON.readTree(SparkScore.execute(
                spark,
                concat(score, "--out", temp.resolve("local-scored.parquet").toString())));
        assertThat(means.path("n").asLong()).isEqualTo(600);
        assertThat(means.path("elbo").asDouble()).isCloseTo(here.path("elbo").asDouble(), within(1e-3));
        assertThat(means.path("loglik").asDouble())
                .isCloseTo(here.path("loglik").asDouble(), within(1e-3));

        // VI on the cluster agrees with VI here (few iterations: each is a Spark job).
        String[] vi = {
            "linear",
            "--data",
            Path.of("..", "examples", "regression.csv").toAbsolutePath().toString(),
            "--y",
            "y",
            "--x",
            "x1,x2",
            "--lr",
            "0.1",
            "--max-iterations",
            "40",
            "--num-draws",
            "50",
            "--seed",
            "2"
        };
        JsonNode clusterFit = finish(submit("vi", "io.github.elbo4j.spark.SparkVi", vi), "vi");
        JsonNode localFit = JSON.readTree(SparkVi.execute(spark, vi));
        assertThat(clusterFit.path("records").asLong()).isEqualTo(200);
        assertThat(clusterFit.path("parameters").path("x1").path("mean").asDouble())
                .isCloseTo(localFit.path("parameters").path("x1").path("mean").asDouble(), within(1e-4));
    }

    /** Starts {@code main} of the test classpath as its own JVM, output to {@code log}. */
    private static Process start(Path log, Path sparkHome, String main, String... args) throws IOException {
        return start(log, log, sparkHome, main, args);
    }

    /** As {@link #start(Path, Path, String, String...)}, standard output to {@code out}. */
    private static Process start(Path out, Path log, Path sparkHome, String main, String... args) throws IOException {
        List<String> command = new ArrayList<>(
                List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx512m"));
        command.addAll(jvmFlags);
        command.addAll(List.of("-Dlog4j2.configurationFile=" + logConfig, "-cp", classpath, main));
        command.addAll(List.of(args));
        ProcessBuilder builder =
                new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(log.toFile());
        // The worker builds executor command lines from SPARK_HOME (an empty jars/ folder here: the
        // classes come from spark.executor.extraClassPath) and needs the Scala version spelled out.
        builder.environment().put("SPARK_HOME", sparkHome.toString());
        builder.environment().put("SPARK_SCALA_VERSION", "2.13");
        builder.environment().put("SPARK_LOCAL_IP", "127.0.0.1");
        Process process = builder.start();
        STARTED.add(process);
        return process;
    }

    /** Submits {@code mainClass} to the cluster in client mode; its output goes to {@code name}.log. */
    private static Process submit(String name, String mainClass, String[] args) throws IOException {
        String executorFlags = String.join(
                " ", jvmFlags.stream().filter(f -> !f.startsWith("--add-opens")).toList());
        List<String> submit = new ArrayList<>(List.of(
                "--master",
                master,
                "--deploy-mode",
                "client",
                "--class",
                mainClass,
                "--conf",
                "spark.executor.extraClassPath=" + classpath,
                "--conf",
                "spark.executor.extraJavaOptions=" + executorFlags,
                "--conf",
                "spark.executor.memory=512m",
                "--conf",
                "spark.ui.enabled=false",
                "--conf",
                "spark.driver.host=127.0.0.1",
                "spark-internal"));
        submit.addAll(List.of(args));
        return start(
                temp.resolve(name + ".json"),
                temp.resolve(name + ".log"),
                temp.resolve("spark-home"),
                "org.apache.spark.deploy.SparkSubmit",
                submit.toArray(String[]::new));
    }

    /** Waits for a submitted application and returns the JSON it printed. */
    private static JsonNode finish(Process process, String name) throws Exception {
        Path log = temp.resolve(name + ".log");
        assertThat(process.waitFor(TIMEOUT.toSeconds(), TimeUnit.SECONDS))
                .as("%s finished", log)
                .isTrue();
        assertThat(process.exitValue())
                .as("exit code of %s:%n%s", name, Files.readString(log))
                .isZero();
        return JSON.readTree(temp.resolve(name + ".json").toFile());
    }

    private static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(200);
        }
    }

    private static long count(Path log, String text) {
        try {
            return Files.readAllLines(log, StandardCharsets.UTF_8).stream()
                    .filter(l -> l.contains(text))
                    .count();
        } catch (IOException e) {
            return 0;
        }
    }

    private static long lines(Path file) {
        try {
            return Files.readAllLines(file, StandardCharsets.UTF_8).stream()
                    .filter(l -> !l.isBlank())
                    .count();
        } catch (IOException e) {
            return 0;
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private static String[] concat(String[] first, String... more) {
        String[] all = java.util.Arrays.copyOf(first, first.length + more.length);
        System.arraycopy(more, 0, all, first.length, more.length);
        return all;
    }
}
