package io.github.elbo4j.cli;

import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.elbo4j.data.Dataset;
import io.github.elbo4j.vae.eval.EvaluationResult;
import io.github.elbo4j.vae.eval.Evaluator;
import io.github.elbo4j.vae.eval.Workers;
import io.github.elbo4j.vae.model.LatentPrior;
import io.github.elbo4j.vae.model.VaeModel;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code elbo4j eval}: test ELBO and importance-weighted log-likelihood of a trained run. */
@Command(
        name = "eval",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {
            "Evaluate a trained VAE: ELBO, its terms and log p(x).",
            "Evaluate a trained VAE: the single-sample ELBO with analytic KL, its reconstruction and KL "
                    + "terms, active units, and the importance-weighted estimate of log p(x) with K samples (IWAE-K, "
                    + "Burda et al. 2015). All figures are nats per example (higher is better)."
        })
final class EvalCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    RunInput input = new RunInput();

    @Option(
            names = "--k",
            paramLabel = "K",
            defaultValue = "5000",
            description = "Importance samples per example for log p(x). Default: ${DEFAULT-VALUE}.")
    int k;

    @Option(
            names = "--limit",
            paramLabel = "N",
            description = "Evaluate a random subset of N examples (seeded) instead of the whole split.")
    Integer limit;

    @Option(
            names = "--max-rows",
            paramLabel = "ROWS",
            defaultValue = "" + Evaluator.DEFAULT_MAX_PARTICLE_ROWS,
            description = "Memory budget: (sample, example) rows decoded at once. Default: ${DEFAULT-VALUE}.")
    int maxRows;

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
        if (k < 1) {
            throw new IllegalArgumentException("--k must be at least 1, got " + k);
        }
        // A seeded random subset for --limit: some splits (binarized MNIST's test set) are ordered by class.
        RunInput.Loaded loaded = input.load(limit == null ? Integer.MAX_VALUE : limit, seed.value(), "--limit");
        RunData.Selection selection = loaded.selection();
        if (selection.changedData() != null) {
            spec.commandLine().getErr().println(selection.changedData());
            spec.commandLine().getErr().flush();
        }
        Dataset dataset = loaded.records();
        EvaluationResult r;
        try (NDManager manager = NDManager.newBaseManager();
                VaeModel model = loaded.run().loadModel(manager);
                Workers workers = new Workers(threads);
                Progress progress = new Progress("eval IWAE-" + k, "examples")) {
            r = new Evaluator(model, manager, maxRows, workers).evaluate(dataset, k, seed.value(), progress);
        }
        ObjectNode json = Output.object();
        json.put("run", input.run.path().toString());
        json.put("split", selection.split());
        json.put("n", r.n());
        json.put("elbo", r.elbo());
        json.put("recon", r.recon());
        json.put("kl", r.kl());
        json.put("loglik", r.loglik());
        Output.putNumber(json, "loglik_se", r.loglikStandardError());
        json.put("nll", -r.loglik());
        json.put("k", r.k());
        json.put("active_units", r.activeUnits());
        json.put("seconds", r.seconds());
        String kl =
                loaded.config().prior() == LatentPrior.VAMP ? "Monte Carlo KL against the VampPrior" : "analytic KL";
        json.put("elbo_estimator", "single-sample reparameterized ELBO, " + kl);
        json.put("loglik_estimator", "IWAE bound log mean_k p(x,z_k)/q(z_k|x), K=" + r.k());
        String human = String.format(
                "%s split, %d examples (%.1f s)%n"
                        + "  log p(x) ≈ %.2f ± %.2f nats  (IWAE, K=%d; NLL %.2f)%n"
                        + "  ELBO      %.2f nats  (1 sample, %s) = recon %.2f − KL %.2f%n"
                        + "  active units: %d of %d",
                selection.split(),
                r.n(),
                r.seconds(),
                r.loglik(),
                r.loglikStandardError(),
                r.k(),
                -r.loglik(),
                r.elbo(),
                kl,
                r.recon(),
                r.kl(),
                r.activeUnits(),
                r.klPerDimension().length);
        Output.print(spec.commandLine().getOut(), common.json, json, human);
        return 0;
    }
}
