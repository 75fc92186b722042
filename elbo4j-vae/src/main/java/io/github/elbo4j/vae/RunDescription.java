package io.github.elbo4j.vae;

import ai.djl.engine.Engine;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.elbo4j.data.Dataset;
import io.github.elbo4j.data.DatasetSplits;
import io.github.elbo4j.vae.TrainingObjective.GradientEstimator;
import java.time.Instant;

/**
 * The {@code config.json} of a training run: versions, the model, the training settings and the
 * data it was trained on. One description for the command line's {@code train} and for programs,
 * so that either reads the other's runs ({@code eval}, {@code report}, {@code --resume}).
 */
public final class RunDescription {

    private RunDescription() {}

    /**
     * A run of {@code model} trained with {@code training} on {@code data}, whose source
     * {@code dataSpec} names (a dataset name or a file's absolute path).
     */
    public static ObjectNode describe(VaeConfig model, TrainingConfig training, String dataSpec, DatasetSplits data) {
        ObjectNode root = JsonNodeFactory.instance.objectNode();
        root.put("elbo4j_version", Version.elbo4j());
        root.put("djl_version", Engine.getDjlVersion());
        Engine engine = Engine.getInstance();
        root.put("engine", engine.getEngineName() + " " + engine.getVersion());
        root.put("created", Instant.now().toString());
        root.put("seed", training.seed());
        root.set("model", RunDirectory.describe(model));
        ObjectNode t = root.putObject("training");
        t.put("epochs", training.epochs());
        t.put("batch_size", training.batchSize());
        t.put("learning_rate", training.learningRate());
        t.put("seed", training.seed());
        describeObjective(t, training.objective());
        t.put("prior_warmup_epochs", training.priorWarmupEpochs());
        t.put("patience", training.patience());
        t.put("lr_schedule", training.learningRateSchedule().toString());
        t.put("optimizer", "adam(beta1=0.9, beta2=0.999, eps=1e-8)");
        ObjectNode d = root.putObject("data");
        d.put("spec", dataSpec);
        describeSplit(d, "train", data.train());
        describeSplit(d, "valid", data.valid());
        describeSplit(d, "test", data.test());
        return root;
    }

    /** The objective's fields of the {@code training} object, as {@code --resume} reads them back. */
    public static void describeObjective(ObjectNode training, TrainingObjective o) {
        training.put("objective", o.kind().id());
        if (o instanceof TrainingObjective.Iwae iwae) {
            training.put("iwae_k", iwae.k());
            training.put("iwae_gradient", iwae.gradient().id());
        }
        double freeBits = o.match(TrainingObjective.Elbo::freeBits, iwae -> 0.0);
        String estimator = o.match(
                elbo -> "single-sample reparameterized ELBO, analytic KL weighted by w = beta * schedule(t)"
                        + (freeBits > 0 ? ", free bits " + freeBits + " nats per dimension" : ""),
                iwae -> "IWAE bound log mean_k p(x|z_k) (p(z_k)/q(z_k|x))^w, K=" + iwae.k() + ", w = beta * schedule(t), "
                        + (iwae.gradient() == GradientEstimator.DOUBLY_REPARAMETERIZED
                                ? "doubly-reparameterized gradient" : "reparameterized gradient"));
        training.put("beta", o.beta());
        training.put("kl_schedule", o.schedule().toString());
        training.put("free_bits", freeBits);
        training.put("estimator", estimator);
        training.put("reported_elbo", "plain ELBO (beta = 1, no free bits), single sample, analytic KL");
    }

    private static void describeSplit(ObjectNode parent, String name, Dataset split) {
        if (split != null) {
            ObjectNode s = parent.putObject(name);
            s.put("rows", split.rows());
            s.put("features", split.features());
            s.put("fingerprint", split.fingerprint());
        }
    }
}
