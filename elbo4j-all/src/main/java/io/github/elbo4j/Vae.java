package io.github.elbo4j;

import ai.djl.ndarray.NDManager;
import io.github.elbo4j.data.Dataset;
import io.github.elbo4j.data.DatasetSplits;
import io.github.elbo4j.report.RunArtifacts;
import io.github.elbo4j.vae.eval.EvaluationResult;
import io.github.elbo4j.vae.eval.Evaluator;
import io.github.elbo4j.vae.eval.Generator;
import io.github.elbo4j.vae.eval.LatentSpace;
import io.github.elbo4j.vae.model.VaeConfig;
import io.github.elbo4j.vae.model.VaeModel;
import io.github.elbo4j.vae.objective.TrainingObjective;
import io.github.elbo4j.vae.run.RunDescription;
import io.github.elbo4j.vae.run.RunDirectory;
import io.github.elbo4j.vae.train.ProgressListener;
import io.github.elbo4j.vae.train.Seeds;
import io.github.elbo4j.vae.train.Trainer;
import io.github.elbo4j.vae.train.TrainingConfig;
import io.github.elbo4j.vae.train.TrainingListener;
import io.github.elbo4j.vae.train.TrainingResult;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Objects;

/**
 * A trained variational autoencoder, ready to evaluate, sample, reconstruct and report: the common
 * path of {@code Trainer}, {@code Evaluator}, {@code Generator}, {@code LatentSpace} and
 * {@code RunArtifacts} without their plumbing.
 *
 * <pre>{@code
 * DatasetSplits data = DataSource.load("shapes");
 * try (Vae vae = Vae.training().hidden(200, 200).latent(16).epochs(10)
 *         .progress(ConsoleProgress.toStandardError())
 *         .train(data)) {
 *     System.out.println(vae.evaluate(data.test(), 1000));
 * }
 * }</pre>
 *
 * <p>A {@code Vae} owns the engine memory of its weights: close it (try-with-resources) when done.
 * Not thread-safe.
 */
public final class Vae implements AutoCloseable {

    private final NDManager manager;
    private final VaeModel model;
    private final RunDirectory run;
    private final long seed;

    private Vae(NDManager manager, VaeModel model, RunDirectory run, long seed) {
        this.manager = manager;
        this.model = model;
        this.run = run;
        this.seed = seed;
    }

    /** Starts describing a training run; nothing happens until {@link Training#train}. */
    public static Training training() {
        return new Training();
    }

    /**
     * Loads the trained model of a run directory, written by {@link Training#runDirectory} or by
     * {@code elbo4j train}.
     *
     * @throws io.github.elbo4j.data.DataException naming the file when the folder is not a finished run
     */
    public static Vae load(Path runDirectory) {
        RunDirectory run = RunDirectory.open(runDirectory);
        NDManager manager = NDManager.newBaseManager();
        try {
            Long recorded = run.manifest().seed();
            long seed = recorded == null ? 0 : recorded;
            return new Vae(manager, run.loadModel(manager), run, seed);
        } catch (RuntimeException e) {
            manager.close();
            throw e;
        }
    }

    /** The model, for the classes of {@code io.github.elbo4j.vae} that take one. */
    public VaeModel model() {
        return model;
    }

    /** The model's architecture. */
    public VaeConfig config() {
        return model.config();
    }

    /**
     * The ELBO and the importance-weighted estimate of log p(x) with {@code k} samples per record
     * (IWAE-k), averaged over {@code data}, from noise seeded by the run's seed.
     */
    public EvaluationResult evaluate(Dataset data, int k) {
        return new Evaluator(model, manager).evaluate(data, k, seed, ProgressListener.NONE);
    }

    /** {@code n} decoded draws from the prior, one row of {@code inputSize} values each. */
    public float[][] sample(int n) {
        return Generator.samplePrior(model, manager, n, seed);
    }

    /** Every record of {@code data} decoded from its posterior mean, E[x | z = μ(x)], a row each. */
    public float[][] reconstruct(Dataset data) {
        float[] flat = new LatentSpace(model, manager).reconstruct(data, ProgressListener.NONE);
        int features = model.config().inputSize();
        float[][] rows = new float[data.rows()][];
        for (int i = 0; i < rows.length; i++) {
            rows[i] = Arrays.copyOfRange(flat, i * features, (i + 1) * features);
        }
        return rows;
    }

    /**
     * Evaluates the model on {@code data} with IWAE-{@code k} and writes the run's plots into
     * {@code RUN/plots/} and its self-contained {@code RUN/report.html}, as {@code elbo4j report}
     * does. The anomaly threshold the report draws is fitted on {@code train}, as {@code elbo4j score}
     * fits it, so the report and the scores flag the same records.
     *
     * @param data the records the report evaluates, e.g. the test split
     * @param train the training records the anomaly threshold is fitted on
     * @param k the importance samples per record
     * @return the report's path
     * @throws IllegalStateException when the model was trained without a run directory
     */
    public Path writeReport(Dataset data, Dataset train, int k) {
        if (run == null) {
            throw new IllegalStateException("the report is written into a run directory; train with "
                    + "Vae.training().runDirectory(path) or load a run with Vae.load(path)");
        }
        return RunArtifacts.write(
                        run,
                        model,
                        manager,
                        data,
                        data.name(),
                        train,
                        new RunArtifacts.Options(k, seed, 1),
                        ProgressListener.NONE)
                .report();
    }

    /** The run directory, or null for a model trained in memory. */
    public Path runDirectory() {
        return run == null ? null : run.root();
    }

    @Override
    public void close() {
        model.close();
        manager.close();
    }

    /**
     * A training run being described. The model's input shape comes from the training data; the
     * rest has the command line's defaults unless set: two hidden layers of 200, 16 latent
     * dimensions, Bernoulli likelihood, 10 epochs of batches of 100 at learning rate 1e-3, seed 0,
     * the ELBO, no progress output and no run directory.
     */
    public static final class Training {

        private VaeConfig model;
        private int[] hidden = {200, 200};
        private int latent = 16;
        private int epochs = 10;
        private int batchSize = 100;
        private double learningRate = 1e-3;
        private long seed;
        private TrainingObjective objective = TrainingObjective.ELBO;
        private TrainingListener progress = TrainingListener.NONE;
        private Path runDirectory;
        private int threads = 1;

        private Training() {}

        /** Widths of the encoder's hidden layers (the decoder mirrors them). */
        public Training hidden(int... widths) {
            hidden = widths.clone();
            return this;
        }

        /** Dimensions of the latent space. */
        public Training latent(int dimensions) {
            latent = dimensions;
            return this;
        }

        /**
         * The whole architecture, for what {@link #hidden} and {@link #latent} do not cover
         * (likelihood, convolutions, VampPrior, conditions); its input shape must match the data.
         */
        public Training model(VaeConfig config) {
            model = Objects.requireNonNull(config, "config");
            return this;
        }

        /** Passes over the training data. */
        public Training epochs(int count) {
            epochs = count;
            return this;
        }

        /** Records per optimizer step. */
        public Training batchSize(int records) {
            batchSize = records;
            return this;
        }

        /** Adam's step size. */
        public Training learningRate(double rate) {
            learningRate = rate;
            return this;
        }

        /** The seed of initialization, shuffling and noise: the same seed gives the same model. */
        public Training seed(long value) {
            seed = value;
            return this;
        }

        /** What is maximized: {@link TrainingObjective#ELBO} (default), β-VAE, IWAE. */
        public Training objective(TrainingObjective value) {
            objective = Objects.requireNonNull(value, "objective");
            return this;
        }

        /** Who hears of steps and epochs, e.g. {@link ConsoleProgress#toStandardError()}. */
        public Training progress(TrainingListener listener) {
            progress = Objects.requireNonNull(listener, "listener");
            return this;
        }

        /** Threads of the validation pass and of the fused training step's products. */
        public Training threads(int count) {
            threads = count;
            return this;
        }

        /**
         * Writes the run into {@code folder} as {@code elbo4j train --out} does (configuration,
         * metrics, checkpoints, final weights), so that {@link Vae#load}, {@link Vae#writeReport}
         * and the command line's {@code eval}, {@code report} and {@code dashboard} can use it.
         * The folder must not exist or be empty.
         */
        public Training runDirectory(Path folder) {
            runDirectory = Objects.requireNonNull(folder, "folder");
            return this;
        }

        /** Trains on {@code data}'s training split, validating on its validation split if it has one. */
        public Vae train(DatasetSplits data) {
            return train(data.train(), data.valid());
        }

        /** Trains on {@code train} without validation. */
        public Vae train(Dataset train) {
            return train(train, null);
        }

        /** Trains on {@code train}, validating every epoch on {@code valid}. */
        public Vae train(Dataset train, Dataset valid) {
            Objects.requireNonNull(train, "train");
            VaeConfig config = model != null
                    ? model
                    : VaeConfig.builder()
                            .inputShape(train.exampleShape())
                            .hidden(hidden)
                            .latent(latent)
                            .build();
            TrainingConfig training = new TrainingConfig(epochs, batchSize, learningRate, seed, objective);
            Trainer.requireCompatible(config, training);
            RunDirectory run = runDirectory == null
                    ? null
                    : RunDirectory.create(
                            runDirectory,
                            RunDescription.describe(
                                    config, training, train.name(), new DatasetSplits(train, valid, null)),
                            config);
            NDManager manager = NDManager.newBaseManager();
            VaeModel vae = null;
            try {
                vae = VaeModel.initialize(config, manager, Seeds.derive(seed, Seeds.Stream.INIT, 0));
                TrainingResult result = new Trainer(training, progress, threads).train(vae, train, valid, run, null);
                if (result.stopped()) {
                    throw new IllegalStateException("training was stopped at step " + result.steps());
                }
                if (run != null) {
                    run.writeModel(vae);
                }
                return new Vae(manager, vae, run, seed);
            } catch (RuntimeException e) {
                if (vae != null) {
                    vae.close();
                }
                manager.close();
                throw e;
            }
        }
    }
}
