package io.github.elbo4j.vae;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import io.github.elbo4j.data.Batching;
import io.github.elbo4j.data.Dataset;
import io.github.elbo4j.elbo.AnalyticKlElbo;
import io.github.elbo4j.optim.Adam;

/**
 * Trains a VAE by maximizing the reparameterized single-sample ELBO with analytic KL,
 * ELBO(x) = E_q[log p(x|z)] − KL(q(z|x) ‖ p(z)), with Adam on minibatches (loss = −mean ELBO).
 *
 * <p>Steps run on the calling thread (see {@link ElboStep}); the validation pass is spread over
 * {@code validationWorkers} threads. Every epoch ends with a validation ELBO, a {@code metrics.jsonl} row, and an atomic
 * {@code latest} checkpoint ({@code best} too when validation improved). Shuffling and noise are
 * pure functions of (seed, epoch, step), so a run resumed from a checkpoint continues exactly as
 * the uninterrupted run would have.
 */
public final class Trainer {

    /** Consecutive non-finite steps after which training stops with an error. */
    public static final int MAX_CONSECUTIVE_BAD_STEPS = 50;

    private final TrainingConfig config;
    private final TrainingListener listener;
    private final int validationWorkers;

    /** A trainer whose validation pass runs on {@code validationWorkers} threads. */
    public Trainer(TrainingConfig config, TrainingListener listener, int validationWorkers) {
        this.config = config;
        this.listener = listener;
        this.validationWorkers = validationWorkers;
    }

    /** A single-threaded trainer. */
    public Trainer(TrainingConfig config, TrainingListener listener) {
        this(config, listener, 1);
    }

    /**
     * Trains {@code model} in place on {@code train}, validating on {@code valid} (may be null),
     * writing metrics and checkpoints to {@code run} (may be null for in-memory training), and
     * continuing from {@code resume} when it is not null.
     */
    public TrainingResult train(VaeModel model, Dataset train, Dataset valid, RunDirectory run, Checkpoint resume) {
        int latent = model.config().latent();
        float learningRate = (float) config.learningRate();
        NDArray parameters = model.parameters();
        int startEpoch = 0;
        long step = 0;
        double bestValid = Double.NEGATIVE_INFINITY;
        double elapsed = 0;
        if (resume != null) {
            model.setParameterValues(resume.parameters());
            startEpoch = resume.epoch();
            step = resume.step();
            bestValid = resume.bestValidElbo();
            elapsed = resume.elapsedSeconds();
        }
        try (NDManager manager = NDManager.newBaseManager();
                Adam adam = Adam.withDefaults(manager, model.layout().totalSize());
                Workers workers = new Workers(validationWorkers)) {
            ElboStep elbo = new ElboStep(model, new AnalyticKlElbo(1));
            if (resume != null) {
                adam.restore(resume.adamFirstMoment(), resume.adamSecondMoment(), resume.adamStep());
            }
            int stepsPerEpoch = (train.rows() + config.batchSize() - 1) / config.batchSize();
            listener.onStart((long) stepsPerEpoch * config.epochs(), step);
            Evaluator validator = new Evaluator(model, manager, Evaluator.DEFAULT_MAX_PARTICLE_ROWS, workers);
            double lastElbo = Double.NaN;
            double lastValid = Double.NaN;
            long trainedSamples = 0;
            double trainingSeconds = 0;
            long skipped = 0;
            int consecutiveBad = 0;
            for (int epoch = startEpoch + 1; epoch <= config.epochs(); epoch++) {
                long epochStart = System.nanoTime();
                int[] order = Batching.permutation(train.rows(), config.seed(), epoch);
                double[] sums = new double[3];
                int counted = 0;
                for (int from = 0; from < train.rows(); from += config.batchSize()) {
                    int to = Math.min(train.rows(), from + config.batchSize());
                    int batch = to - from;
                    float[] noise = GaussianNoise.standardNormal(
                            batch * latent, Seeds.derive(config.seed(), Seeds.Stream.TRAIN_NOISE, step));
                    double batchElbo;
                    try (NDManager scope = manager.newSubManager()) {
                        ElboStep.Result result = elbo.compute(Batching.gather(train, order, from, to), noise, batch, scope);
                        batchElbo = result.elbo();
                        if (Double.isFinite(batchElbo)) {
                            adam.update(parameters, result.gradient(), learningRate, scope);
                            sums[0] += result.elbo();
                            sums[1] += result.reconstruction();
                            sums[2] += result.kl();
                            counted += batch;
                        }
                    }
                    step++;
                    if (Double.isFinite(batchElbo)) {
                        consecutiveBad = 0;
                    } else {
                        skipped++;
                        if (++consecutiveBad >= MAX_CONSECUTIVE_BAD_STEPS) {
                            throw new IllegalStateException(consecutiveBad
                                    + " consecutive training steps had a non-finite ELBO (last at step " + step
                                    + "); lower --lr or check the data for extreme values");
                        }
                    }
                    listener.onStep(step, batchElbo / batch, to / ((System.nanoTime() - epochStart) / 1e9));
                }
                double epochTrainSeconds = (System.nanoTime() - epochStart) / 1e9;
                trainedSamples += train.rows();
                trainingSeconds += epochTrainSeconds;
                int denominator = Math.max(1, counted);
                lastElbo = sums[0] / denominator;
                lastValid = valid == null ? Double.NaN : validator.elbo(valid, config.seed()).elbo();
                elapsed += (System.nanoTime() - epochStart) / 1e9;
                boolean improved = lastValid > bestValid;
                if (improved) {
                    bestValid = lastValid;
                }
                EpochMetrics metrics = new EpochMetrics(epoch, step, lastElbo, sums[1] / denominator,
                        sums[2] / denominator, 1.0, learningRate, lastValid, elapsed,
                        train.rows() / epochTrainSeconds, ResidentMemory.megabytes());
                if (run != null) {
                    Checkpoint checkpoint = new Checkpoint(epoch, step, bestValid, elapsed, model.parameterValues(),
                            adam.firstMoment().toFloatArray(), adam.secondMoment().toFloatArray(), adam.step());
                    checkpoint.write(run.latestCheckpoint());
                    if (improved || valid == null) {
                        checkpoint.write(run.bestCheckpoint());
                    }
                    run.appendMetrics(metrics);
                }
                listener.onEpoch(metrics);
            }
            return new TrainingResult(config.epochs(), step, lastElbo, lastValid,
                    valid == null ? Double.NaN : bestValid,
                    trainingSeconds > 0 ? trainedSamples / trainingSeconds : Double.NaN, elapsed, skipped);
        }
    }
}
