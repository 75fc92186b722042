package io.github.elbo4j.cli;

import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.elbo4j.data.DataException;
import io.github.elbo4j.data.DataSource;
import io.github.elbo4j.data.DatasetSplits;
import io.github.elbo4j.data.SettingException;
import io.github.elbo4j.data.TabularSchema;
import io.github.elbo4j.report.CurveRefresh;
import io.github.elbo4j.report.HtmlReport;
import io.github.elbo4j.report.RunArtifacts;
import io.github.elbo4j.vae.model.DataCompatibility;
import io.github.elbo4j.vae.model.LatentPrior;
import io.github.elbo4j.vae.model.TabularLayout;
import io.github.elbo4j.vae.model.VaeConfig;
import io.github.elbo4j.vae.model.VaeModel;
import io.github.elbo4j.vae.objective.StepFactory;
import io.github.elbo4j.vae.run.Checkpoint;
import io.github.elbo4j.vae.run.RunDescription;
import io.github.elbo4j.vae.run.RunDirectory;
import io.github.elbo4j.vae.run.RunLock;
import io.github.elbo4j.vae.run.RunManifest;
import io.github.elbo4j.vae.train.LearningRateSchedule;
import io.github.elbo4j.vae.train.Seeds;
import io.github.elbo4j.vae.train.Trainer;
import io.github.elbo4j.vae.train.TrainingConfig;
import io.github.elbo4j.vae.train.TrainingResult;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code elbo4j train}: trains a VAE and writes a run directory. */
@Command(
        name = "train",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {
            "Train a variational autoencoder and write a run directory.",
            "Train a variational autoencoder by maximizing the ELBO (single reparameterized sample, analytic "
                    + "KL, Adam) — or a β-weighted, annealed, free-bits or IWAE objective — and write a run directory: "
                    + "config.json, metrics.jsonl, model.safetensors, model.json, checkpoints/, plots/*.png and "
                    + "report.html."
        })
final class TrainCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @ArgGroup(exclusive = true, multiplicity = "1")
    Target target;

    static final class Target {
        @Option(names = "--out", paramLabel = "RUN", required = true, description = "New run directory to create.")
        Path out;

        @Option(
                names = "--resume",
                paramLabel = "RUN",
                required = true,
                description =
                        "Continue a run from its latest checkpoint: an interrupted one, or a finished one given a larger --epochs.")
        Path resume;
    }

    @Option(
            names = "--data",
            paramLabel = "DATA",
            defaultValue = "shapes",
            description =
                    "Dataset name (shapes, binarized-mnist, mnist, fashion-mnist), file or folder. Default: ${DEFAULT-VALUE}.")
    String data;

    @Option(
            names = "--data-dir",
            paramLabel = "DIR",
            description = "Where named datasets live (else $ELBO4J_DATA, then ~/.cache/elbo4j).")
    Path dataDir;

    @Option(names = "--download", description = "Download a named dataset that is not found (checksums verified).")
    boolean allowDownload;

    @Mixin
    ModelOptions model = new ModelOptions();

    @Mixin
    ObjectiveOptions objective = new ObjectiveOptions();

    @Option(
            names = "--epochs",
            paramLabel = "N",
            description = "Passes over the training set in all: with --resume, the total including the epochs already"
                    + " trained (--epochs 100 after 60 trains 40 more). Default: 60.")
    Integer epochs;

    @Option(names = "--batch-size", paramLabel = "B", defaultValue = "100", description = "Default: ${DEFAULT-VALUE}.")
    int batchSize;

    @Option(
            names = "--lr",
            paramLabel = "RATE",
            defaultValue = "1e-3",
            description = "Adam learning rate. Default: ${DEFAULT-VALUE}.")
    double learningRate;

    @Option(
            names = "--lr-schedule",
            paramLabel = "SPEC",
            description = "Learning rate over the run: constant, or plateau:N[:F], which multiplies it by F (default "
                    + LearningRateSchedule.DEFAULT_FACTOR + ") once the validation score (as for --patience) has not"
                    + " improved for N epochs since the best epoch or the last reduction. Default: constant.")
    String learningRateSchedule;

    @Option(
            names = "--prior-warmup",
            paramLabel = "N",
            description = "With --prior vamp: the first N epochs take the training KL against N(0, I), then the"
                    + " VampPrior's (the reported ELBO is always the VampPrior's). Without it the standard MLP's"
                    + " posterior collapses onto the VampPrior. Default: "
                    + TrainingConfig.DEFAULT_PRIOR_WARMUP_EPOCHS + ".")
    Integer priorWarmup;

    @Option(
            names = "--patience",
            paramLabel = "N",
            description = "Early stopping: end training once the validation ELBO (with --objective iwae, the"
                    + " validation IWAE-K bound) has not improved for N epochs, and keep the best epoch's weights as"
                    + " the run's model (checkpoints/latest keeps the last state for --resume)."
                    + " Default: 0 (off: every epoch, the last weights).")
    Integer patience;

    @Option(
            names = "--valid-fraction",
            paramLabel = "F",
            description = "Data without a validation split (a single file): hold out this fraction of its records"
                    + " (drawn with --seed) as one, for --patience, --lr-schedule plateau and the validation ELBO."
                    + " Default: none.")
    Double validFraction;

    @Option(
            names = "--seed",
            paramLabel = "SEED",
            defaultValue = "0",
            description = "Seed of initialization, shuffling and noise. Default: ${DEFAULT-VALUE}.")
    long seed;

    @Option(
            names = "--allow-changed-data",
            description =
                    "With --resume: continue even though the data's fingerprints differ from those in config.json.")
    boolean allowChangedData;

    @Mixin
    ThreadOptions parallel = new ThreadOptions();

    @Mixin
    CommonOptions common = new CommonOptions();

    private static final int DEFAULT_EPOCHS = 60;

    private int workers;
    /** The column schema of a tabular or categorical run, else null. */
    private TabularSchema schema;

    private static final int SAMPLE_GRID = 64;
    private static final int SIGNAL_GRACE_SECONDS = 60;
    /** Epochs between redraws of plots/curves.png during training. */
    private static final int CURVE_REFRESH_EPOCHS = 5;
    /** The report's evaluation budget as a share of the training time, and its least value. */
    private static final double REPORT_SHARE = 0.2;

    private static final double MIN_REPORT_SECONDS = 2;

    @Override
    public Integer call() {
        common.configureEngine();
        workers = parallel.count();
        return target.resume != null ? resume(target.resume) : trainNew(target.out);
    }

    private int trainNew(Path out) {
        if (validFraction != null) {
            Holdout.check(validFraction);
        }
        TrainingConfig training = new TrainingConfig(
                epochs == null ? DEFAULT_EPOCHS : epochs,
                batchSize,
                learningRate,
                seed,
                objective.toObjective(),
                priorWarmup == null ? TrainingConfig.DEFAULT_PRIOR_WARMUP_EPOCHS : priorWarmup,
                patience == null ? 0 : patience,
                learningRateSchedule == null
                        ? LearningRateSchedule.CONSTANT
                        : LearningRateSchedule.parse(learningRateSchedule));
        DatasetSplits splits;
        VaeConfig config;
        if (model.likelihood().tabular()) {
            TabularInput.Prepared prepared =
                    TabularInput.fit(data, model.schema, model.likelihood(), model.conditionColumn());
            schema = prepared.schema();
            splits = prepared.splits();
            config = model.toConfig(splits.train(), Path.of(data), TabularLayout.of(schema));
        } else {
            splits = DataSource.load(data, dataDir, allowDownload);
            config = model.toConfig(splits.train(), Path.of(data), null);
        }
        if (validFraction != null) {
            splits = Holdout.apply(splits, validFraction, seed, data);
        }
        check(config, splits, data);
        Trainer.requireCompatible(config, training);
        chooseThreads(config, training);
        try {
            Trainer.requireValidationSplit(training, splits.valid());
        } catch (SettingException e) {
            // The command line can make the missing split: say how.
            throw new SettingException(
                    e.getMessage() + " (a single file: hold some records out with --valid-fraction)",
                    e.settings().toArray(String[]::new));
        }
        RunDirectory run = RunDirectory.create(out, describeRun(config, training, splits), config, schema);
        try (RunLock lock = RunLock.acquire(run.root(), "train --out");
                NDManager manager = NDManager.newBaseManager();
                VaeModel vae = VaeModel.initialize(config, manager, Seeds.derive(seed, Seeds.Stream.INIT, 0))) {
            return finish(run, vae, manager, training, splits, null);
        }
    }

    private int resume(Path runPath) {
        objective.requireUnsetForResume();
        if (validFraction != null) {
            throw new IllegalArgumentException("--valid-fraction: a resumed run keeps the validation split it was"
                    + " trained with; drop --valid-fraction");
        }
        RunDirectory run = RunDirectory.open(runPath);
        try (RunLock lock = RunLock.acquire(run.root(), "train --resume")) {
            return resume(run);
        }
    }

    private int resume(RunDirectory run) {
        PrintWriter err = spec.commandLine().getErr();
        String assigned = run.assignRunId();
        if (assigned != null) {
            err.println(
                    "elbo4j: " + run.configFile() + ": the run was created before elbo4j recorded run ids; it is now "
                            + assigned + " (its existing checkpoints are accepted without the identity check)");
        }
        RunManifest saved = run.manifest();
        TrainingConfig recorded = saved.training().config(run.configFile());
        TrainingConfig training = new TrainingConfig(
                epochs != null ? epochs : recorded.epochs(),
                recorded.batchSize(),
                recorded.learningRate(),
                recorded.seed(),
                recorded.objective(),
                priorWarmup != null ? priorWarmup : recorded.priorWarmupEpochs(),
                patience != null ? patience : recorded.patience(),
                learningRateSchedule != null
                        ? LearningRateSchedule.parse(learningRateSchedule)
                        : recorded.learningRateSchedule());
        RunManifest.Data savedData = saved.data();
        String dataDirText = savedData.dataDir();
        String savedSpec = savedData.spec();
        VaeConfig config = run.readModelConfig();
        schema = run.readSchema();
        DatasetSplits splits = schema != null
                ? TabularInput.load(savedSpec, schema)
                : DataSource.load(savedSpec, dataDirText.isEmpty() ? dataDir : Path.of(dataDirText), allowDownload);
        if (savedData.validFraction() != null) {
            splits = Holdout.apply(splits, savedData.validFraction(), training.seed(), savedSpec);
        }
        check(config, splits, savedSpec);
        List<String> changed = RunData.changedSplits(saved, splits);
        if (!changed.isEmpty() && !allowChangedData) {
            throw new DataException(
                    run.configFile(),
                    "data",
                    "the " + String.join(", ", changed)
                            + " split's fingerprint differs from the data the run was trained on (" + savedSpec
                            + "); pass --allow-changed-data to continue on the changed data");
        }
        Checkpoint checkpoint = resumePoint(
                run,
                VaeModel.layoutOf(config).totalSize(),
                (splits.train().rows() + training.batchSize() - 1) / training.batchSize(),
                err);
        int completed = checkpoint == null ? 0 : checkpoint.position().epoch();
        // A run killed after its last checkpoint but before its final files (model, report) still gets them.
        if (completed >= training.epochs()
                && Files.isRegularFile(run.modelFile())
                && Files.isRegularFile(run.root().resolve(HtmlReport.FILE))) {
            throw new IllegalArgumentException(run.root() + ": already trained for " + completed
                    + " epochs, and --epochs" + " is the total, not the number to add; to train 20 more, pass --epochs "
                    + (completed + 20));
        }
        if (checkpoint != null
                && training.stopsEarly()
                && Files.isRegularFile(run.modelFile())
                && Files.isRegularFile(run.root().resolve(HtmlReport.FILE))
                && completed - checkpoint.position().bestEpoch() >= training.patience()) {
            throw new IllegalArgumentException(run.root() + ": stopped early after epoch " + completed
                    + " (no validation improvement since epoch "
                    + checkpoint.position().bestEpoch()
                    + "); pass a larger --patience, or --patience 0, to continue");
        }
        run.writeManifest(saved.withTraining(saved.training().resumedWith(training)));
        run.truncateMetricsAfter(completed).forEach(notice -> err.println("elbo4j: " + notice));
        err.flush();
        chooseThreads(config, training);
        try (NDManager manager = NDManager.newBaseManager();
                // Without a checkpoint (stopped during the first epoch) the run starts over, from
                // the same seed, so it still ends where an uninterrupted run would.
                VaeModel vae = checkpoint == null
                        ? VaeModel.initialize(config, manager, Seeds.derive(training.seed(), Seeds.Stream.INIT, 0))
                        : VaeModel.fromParameters(config, checkpoint.parameters(), manager)) {
            return finish(run, vae, manager, training, splits, checkpoint);
        }
    }

    /**
     * Sets the engine's intra-op threads for training {@code config}'s model, before the engine
     * loads, and the evaluation workers to match ({@link ThreadOptions#intraOpThreads}).
     */
    private void chooseThreads(VaeConfig config, TrainingConfig training) {
        int threads = parallel.count();
        int intraOp = ThreadOptions.intraOpThreads(
                StepFactory.trainingBackend(config, training.objective(), training.batchSize())
                        == StepFactory.Backend.FUSED,
                threads);
        CommonOptions.setIntraOpThreads(intraOp);
        workers = ThreadOptions.workers(threads, intraOp);
    }

    /**
     * The checkpoint to resume from: {@code latest}, else (missing or failing verification)
     * {@code best}, saying so; null only for a run stopped before its first checkpoint. A run whose
     * metrics show completed epochs is never restarted from epoch 0.
     */
    private static Checkpoint resumePoint(RunDirectory run, long parameterCount, int stepsPerEpoch, PrintWriter err) {
        List<String> problems = new ArrayList<>();
        for (Path file : List.of(run.latestCheckpoint(), run.bestCheckpoint())) {
            if (!Files.isRegularFile(file)) {
                problems.add(file + ": missing");
                continue;
            }
            try {
                Checkpoint checkpoint = verified(run, file, parameterCount, stepsPerEpoch);
                if (!file.equals(run.latestCheckpoint())) {
                    err.println("elbo4j: " + problems.get(0) + "; resuming from " + file + " (epoch "
                            + checkpoint.position().epoch() + ")");
                }
                return checkpoint;
            } catch (DataException e) {
                problems.add(e.getMessage());
            }
        }
        boolean checkpointsExist =
                Files.isRegularFile(run.latestCheckpoint()) || Files.isRegularFile(run.bestCheckpoint());
        // The first epoch's row is written just before its checkpoint: a run killed between the
        // two restarts from scratch (its row is dropped); any later row means a checkpoint was lost.
        if (checkpointsExist || run.readMetricsLog().lastEpoch() > 1) {
            throw new DataException(String.join("; ", problems) + "; no checkpoint to resume from (refusing to restart "
                    + run.root() + " from epoch 0)");
        }
        return null;
    }

    /** A checkpoint of {@code run} that verifies and fits the model and the data. */
    private static Checkpoint verified(RunDirectory run, Path file, long parameterCount, int stepsPerEpoch) {
        Checkpoint checkpoint = run.readCheckpoint(file);
        if (checkpoint.parameters().length != parameterCount) {
            throw new DataException(
                    file,
                    "tensor 'parameters'",
                    "holds " + checkpoint.parameters().length + " values but model.json describes " + parameterCount
                            + "; the checkpoint belongs to another model");
        }
        if (checkpoint.position().batchesIntoEpoch() > stepsPerEpoch) {
            throw new DataException(
                    file,
                    "__metadata__",
                    "batches_into_epoch " + checkpoint.position().batchesIntoEpoch() + " lies beyond the "
                            + stepsPerEpoch + " batches of an epoch");
        }
        return checkpoint;
    }

    private static void check(VaeConfig config, DatasetSplits splits, String spec) {
        Path source = Path.of(spec);
        DataCompatibility.check(config, splits.train(), source);
        if (splits.valid() != null) {
            DataCompatibility.check(config, splits.valid(), source);
        }
    }

    private int finish(
            RunDirectory run,
            VaeModel vae,
            NDManager manager,
            TrainingConfig training,
            DatasetSplits splits,
            Checkpoint checkpoint) {
        TrainingResult result;
        // Reading and decoding the data leaves about a gigabyte of garbage, and the heap the JVM grew
        // for it stayed committed until the first concurrent cycle, several epochs in: one full
        // collection here returns it before training starts.
        System.gc();
        CountDownLatch finished = new CountDownLatch(1);
        long commandStart = System.nanoTime();
        try (TrainingProgress progress =
                new TrainingProgress(training.epochs(), spec.commandLine().getErr())) {
            Trainer trainer =
                    new Trainer(training, new CurveRefresh(progress, run, CURVE_REFRESH_EPOCHS, System.err), workers);
            // SIGINT/SIGTERM: stop at the next step boundary with a checkpoint, then let the JVM exit.
            Thread stopOnSignal = new Thread(
                    () -> {
                        trainer.requestStop();
                        try {
                            finished.await(SIGNAL_GRACE_SECONDS, TimeUnit.SECONDS);
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                    },
                    "elbo4j-stop");
            Runtime.getRuntime().addShutdownHook(stopOnSignal);
            try {
                result = trainer.train(vae, splits.train(), splits.valid(), run, checkpoint);
            } finally {
                try {
                    Runtime.getRuntime().removeShutdownHook(stopOnSignal);
                } catch (IllegalStateException shuttingDown) {
                    // the hook is running: it waits for the latch below
                }
            }
        }
        if (result.stopped()) {
            spec.commandLine()
                    .getErr()
                    .printf(
                            "elbo4j: stopped at step %d; the checkpoint holds this position. "
                                    + "Continue with: %s train --resume %s%n",
                            result.steps(), Launcher.command(), run.root());
            spec.commandLine().getErr().flush();
            finished.countDown();
            return Main.RUNTIME_FAILURE;
        }
        finished.countDown();
        run.writeModel(vae);
        boolean images = vae.config().inputShape().length == 2;
        Path samples = SampleCommand.writeSamples(
                vae,
                manager,
                SAMPLE_GRID,
                training.seed(),
                run.plotsDirectory().resolve(images ? "samples.png" : "samples.csv"),
                schema);
        String split = RunData.splitName(splits, splits.evaluationSplit());
        Path report;
        // The report's evaluation takes a share of the training time: K is lowered from the
        // report's default until it fits (elbo4j report --k K redoes it with any K).
        double budget = Math.max(MIN_REPORT_SECONDS, REPORT_SHARE * result.seconds());
        try (Progress progress = new Progress("report: IWAE", "samples")) {
            report = RunArtifacts.writeAfterTraining(
                    run,
                    vae,
                    manager,
                    splits.evaluationSplit(),
                    split,
                    splits.train(),
                    new RunArtifacts.Options(ReportCommand.DEFAULT_K, training.seed(), workers, budget),
                    progress,
                    System.err);
        }
        double seconds = (System.nanoTime() - commandStart) / 1e9;
        ObjectNode json = Output.object();
        json.put("run", run.root().toString());
        json.put("epochs", result.epochs());
        json.put("steps", result.steps());
        Output.putNumber(json, "elbo", result.elbo());
        Output.putNumber(json, "valid_elbo", result.validElbo());
        json.put("validation", validationScore(training));
        Output.putNumber(json, "best_validation", result.bestValidation());
        json.put("best_epoch", result.bestEpoch());
        json.put("stopped_early", result.stoppedEarly());
        json.put("model_epoch", training.stopsEarly() ? result.bestEpoch() : result.epochs());
        Output.putNumber(json, "samples_per_s", result.samplesPerS());
        json.put("seconds", seconds);
        json.put("training_seconds", result.seconds());
        json.put("skipped_steps", result.skippedSteps());
        json.put("rollbacks", result.rollbacks());
        json.put("report", report == null ? null : report.toString());
        if (schema != null) {
            json.put("schema", run.schemaFile().toString());
        }
        json.put("objective", training.objective().describe());
        boolean vamp = vae.config().prior() == LatentPrior.VAMP;
        String kl = vamp ? "Monte Carlo KL against the VampPrior" : "analytic KL";
        json.put("estimator", "single-sample reparameterized ELBO, " + kl + " (nats per example)");
        String faults = result.skippedSteps() + result.rollbacks() == 0
                ? ""
                : String.format(
                        " %d non-finite steps were skipped, %d rollbacks halved the learning rate.",
                        result.skippedSteps(), result.rollbacks());
        String early = !training.stopsEarly()
                ? ""
                : String.format(
                        "%s The model holds epoch %d's weights (best validation %s %.2f).",
                        result.stoppedEarly()
                                ? String.format(
                                        " Stopped early: no validation improvement for %d epochs.", training.patience())
                                : "",
                        result.bestEpoch(),
                        validationScore(training),
                        result.bestValidation());
        int startEpoch = checkpoint == null ? 0 : checkpoint.position().epoch();
        // After a resume the time and the steps are this command's, not the run's since it began.
        long startStep = checkpoint == null ? 0 : checkpoint.position().step();
        String trained = startStep == 0
                ? String.format("Trained %d epochs (%d steps)", result.epochs(), result.steps())
                : String.format(
                        "Resumed at step %d (epoch %d) and trained to epoch %d: %d steps",
                        startStep, startEpoch + 1, result.epochs(), result.steps() - startStep);
        String human = String.format(
                "%s in %.1f s with the report, %.0f samples/s.%s%s%n"
                        + "ELBO %s nats (train), %s nats (validation; single-sample, %s).%n"
                        + "Run directory: %s%nSamples: %s%nReport: %s%nNext: %s eval --run %s",
                trained,
                seconds,
                result.samplesPerS(),
                faults,
                early,
                Output.human(result.elbo()),
                Output.human(result.validElbo()),
                kl,
                run.root(),
                samples,
                report == null ? "not written" : report,
                Launcher.command(),
                run.root());
        Output.print(spec.commandLine().getOut(), common.json, json, human);
        return 0;
    }

    /** What the run is judged and early-stopped on: the plain ELBO, or the IWAE objective's own bound. */
    private static String validationScore(TrainingConfig training) {
        return training.objective().match(elbo -> "ELBO", iwae -> "IWAE-" + iwae.k() + " bound");
    }

    private RunManifest describeRun(VaeConfig config, TrainingConfig training, DatasetSplits splits) {
        Path asPath = Path.of(data);
        return RunDescription.describe(
                config,
                training,
                Files.exists(asPath) ? asPath.toAbsolutePath().toString() : data,
                dataDir == null ? "" : dataDir.toAbsolutePath().toString(),
                validFraction,
                model.schema == null ? null : model.schema.toAbsolutePath().toString(),
                splits);
    }
}
