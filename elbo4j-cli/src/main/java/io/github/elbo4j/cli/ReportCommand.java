package io.github.elbo4j.cli;

import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.elbo4j.data.Dataset;
import io.github.elbo4j.report.RunArtifacts;
import io.github.elbo4j.vae.model.DataCompatibility;
import io.github.elbo4j.vae.model.VaeModel;
import io.github.elbo4j.vae.run.RunDirectory;
import io.github.elbo4j.vae.run.RunLock;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code elbo4j report}: redraws a run's plots and writes its self-contained HTML report. */
@Command(
        name = "report",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {
            "Evaluate a run and write its plots and HTML report.",
            "Evaluate a trained run, draw its plots into RUN/plots/ and write RUN/report.html: one "
                    + "self-contained page (images embedded) with the configuration, dataset fingerprints, final and "
                    + "best metrics with their estimators, active units and all plots."
        })
final class ReportCommand implements Callable<Integer> {

    /** Importance samples of the report's log-likelihood estimate. */
    static final int DEFAULT_K = 100;

    @Spec
    CommandSpec spec;

    @Mixin
    RunOption run = new RunOption();

    @Option(
            names = "--k",
            paramLabel = "K",
            defaultValue = "" + DEFAULT_K,
            description = "Importance samples of the log-likelihood estimate. Default: ${DEFAULT-VALUE}.")
    int k;

    // The report describes the run's own data (its fingerprints are in the report), so unlike
    // eval it takes no --data: only which split of it, and where it lives now if it moved.
    @Option(
            names = "--split",
            paramLabel = "SPLIT",
            defaultValue = "test",
            description = "Split of the run's dataset: test, valid or train (test falls back to valid, then train)."
                    + " Default: ${DEFAULT-VALUE}.")
    String split;

    @Option(
            names = "--seed",
            paramLabel = "SEED",
            description = "Seed of the evaluation noise and the prior samples. Default: the run's training seed,"
                    + " so the samples are the ones train drew.")
    Long seed;

    @Option(
            names = "--data-dir",
            paramLabel = "DIR",
            description = "Where the run's named dataset lives, if not where it was trained.")
    Path dataDir;

    @Option(
            names = "--download",
            description = "Download the run's named dataset if it is not found (checksums verified).")
    boolean allowDownload;

    @Mixin
    ThreadOptions parallel = new ThreadOptions();

    @Mixin
    CommonOptions common = new CommonOptions();

    @Override
    public Integer call() {
        common.configureEngine();
        int workers = parallel.count();
        RunDirectory runDirectory = RunDirectory.open(run.path());
        // A report written while a resume runs would pair the old model with new metrics: refuse.
        try (RunLock lock = RunLock.acquire(runDirectory.root(), "report")) {
            return report(runDirectory, workers);
        }
    }

    private int report(RunDirectory runDirectory, int workers) {
        long chosenSeed = seed != null
                ? seed
                : runDirectory.manifest().seed() == null
                        ? 0
                        : runDirectory.manifest().seed();
        RunArtifacts.Options options = new RunArtifacts.Options(k, chosenSeed, workers);
        RunData.Selection selection = RunData.load(runDirectory, null, dataDir, split, allowDownload);
        PrintWriter err = spec.commandLine().getErr();
        if (selection.changedData() != null) {
            err.println(selection.changedData());
        }
        String metricsNotice = runDirectory.readMetricsLog().notice();
        if (metricsNotice != null) {
            err.println("elbo4j: " + metricsNotice);
        }
        err.flush();
        DataCompatibility.check(runDirectory.readModelConfig(), selection.dataset(), selection.source());
        // The anomaly threshold is fitted on the training records, as score fits it.
        Dataset train = selection.split().equals("train")
                ? selection.dataset()
                : RunData.load(runDirectory, null, dataDir, "train", allowDownload)
                        .dataset();
        RunArtifacts.Written written;
        try (NDManager manager = NDManager.newBaseManager();
                VaeModel model = runDirectory.loadModel(manager);
                Progress progress = new Progress("report: IWAE-" + k, "samples")) {
            written = RunArtifacts.write(
                    runDirectory, model, manager, selection.dataset(), selection.split(), train, options, progress);
        }
        ObjectNode json = Output.object();
        json.put("report", written.report().toString());
        ArrayNode plots = json.putArray("plots");
        written.plots().forEach(p -> plots.add(p.toString()));
        json.put("split", written.evaluation().split());
        json.put("n", written.evaluation().summary().n());
        Output.putNumber(json, "elbo", written.evaluation().summary().elbo());
        Output.putNumber(json, "loglik", written.evaluation().meanLoglik());
        json.put("k", written.evaluation().k());
        json.put("active_units", written.evaluation().summary().activeUnits());
        json.put("seconds", written.evaluation().seconds());
        String human = String.format(
                "Wrote %s and %d plots in %s%nELBO %.2f, log p(x) %.2f (IWAE, K=%d) on the %s split; %d active units.",
                written.report(),
                written.plots().size(),
                runDirectory.plotsDirectory(),
                written.evaluation().summary().elbo(),
                written.evaluation().meanLoglik(),
                written.evaluation().k(),
                written.evaluation().split(),
                written.evaluation().summary().activeUnits());
        Output.print(spec.commandLine().getOut(), common.json, json, human);
        return 0;
    }
}
