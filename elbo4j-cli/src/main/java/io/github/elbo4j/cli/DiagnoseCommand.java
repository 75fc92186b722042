package io.github.elbo4j.cli;

import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.elbo4j.vae.eval.Evaluator;
import io.github.elbo4j.vae.eval.PosteriorDiagnosis;
import io.github.elbo4j.vae.eval.Workers;
import io.github.elbo4j.vae.model.VaeModel;
import io.github.elbo4j.vae.objective.ElboSummary;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code elbo4j diagnose}: per-dimension KL, active units and a posterior-collapse verdict. */
@Command(
        name = "diagnose",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {
            "Diagnose how a trained VAE uses its latent code (posterior collapse).",
            "Diagnose how a trained VAE uses its latent code: the average KL of each latent dimension, "
                    + "active units (Burda et al.: Cov_x(E_q[z_j]) > 0.01), the dimensions that collapsed onto the "
                    + "prior, and a plain-language posterior-collapse verdict with what to do about it."
        })
final class DiagnoseCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    RunInput input = new RunInput();

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
        RunInput.Loaded loaded = input.load();
        PosteriorDiagnosis d;
        try (NDManager manager = NDManager.newBaseManager();
                VaeModel model = loaded.run().loadModel(manager);
                Workers workers = new Workers(threads);
                Progress progress = new Progress("diagnose", "examples")) {
            ElboSummary summary = new Evaluator(model, manager, Evaluator.DEFAULT_MAX_PARTICLE_ROWS, workers)
                    .elbo(loaded.records(), seed.value(), progress);
            d = PosteriorDiagnosis.of(summary);
        }
        ObjectNode json = Output.object();
        json.put("run", loaded.run().root().toString());
        json.put("split", loaded.selection().split());
        json.put("n", d.n());
        json.put("latent", d.latent());
        json.put("kl", d.kl());
        ArrayNode kl = json.putArray("kl_per_dim");
        ArrayNode variance = json.putArray("posterior_mean_variance");
        for (int j = 0; j < d.latent(); j++) {
            // Under a VampPrior the KL does not split over dimensions: null (JSON has no NaN).
            if (Double.isFinite(d.klPerDimension()[j])) {
                kl.add(d.klPerDimension()[j]);
            } else {
                kl.addNull();
            }
            variance.add(d.posteriorMeanVariance()[j]);
        }
        json.put("active_units", d.activeUnits());
        ArrayNode collapsedDims = json.putArray("collapsed_dims");
        for (int j : d.collapsedDimensions()) {
            collapsedDims.add(j);
        }
        json.put("collapsed", d.collapsed());
        json.put("message", d.message());
        json.put("active_unit_criterion", "Cov_x(E_q[z_j]) > " + ElboSummary.ACTIVE_UNIT_THRESHOLD);
        StringBuilder human = new StringBuilder(String.format(
                "%s split, %d examples%n  dim      KL (nats)  Cov_x(E_q[z])%n",
                loaded.selection().split(), d.n()));
        for (int j = 0; j < d.latent(); j++) {
            boolean active = d.posteriorMeanVariance()[j] > ElboSummary.ACTIVE_UNIT_THRESHOLD;
            double klj = d.klPerDimension()[j];
            human.append(String.format(
                    "  %3d  %12s  %13.4f  %s%n",
                    j,
                    Double.isFinite(klj) ? String.format("%.4f", klj) : "n/a",
                    d.posteriorMeanVariance()[j],
                    active ? "active" : "inactive"));
        }
        human.append(String.format(
                "  total KL %.2f nats, active units %d of %d%n%s", d.kl(), d.activeUnits(), d.latent(), d.message()));
        Output.print(spec.commandLine().getOut(), common.json, json, human.toString());
        return 0;
    }
}
