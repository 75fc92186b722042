package io.github.elbo4j.vae;

import ai.djl.ndarray.NDManager;
import io.github.elbo4j.data.Batching;
import io.github.elbo4j.data.Dataset;
import io.github.elbo4j.optim.Adam;
import java.nio.file.Files;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Trains a VAE by maximizing a {@link TrainingObjective} — by default the reparameterized
 * single-sample ELBO with analytic KL, ELBO(x) = E_q[log p(x|z)] − KL(q(z|x) ‖ p(z)); optionally
 * with a KL weight β·a(t) (β-VAE, KL annealing), free bits, or the IWAE bound — with Adam on
 * minibatches (loss = −mean objective). The {@code elbo}, {@code recon} and {@code kl} columns of
 * the metrics are always the plain ELBO's terms (β = 1, no free bits); {@code beta} is the KL
 * weight β·a(t) of the epoch's last step.
 *
 * <p>Steps run on the calling thread, through the {@link TrainingStep} that
 * {@link StepFactory#trainingStep} chooses (the fused step shares its matrix products among
 * {@code validationWorkers} threads); the validation pass is spread over {@code validationWorkers}
 * threads. Every
 * epoch ends with a validation ELBO, a {@code metrics.jsonl} row, and an atomic {@code latest}
 * checkpoint ({@code best} too when
 * validation improved). Validation is judged on the plain ELBO, or for an IWAE objective on its own
 * IWAE-K bound (also written as {@code valid_iwae}), which IWAE training improves while it loosens
 * the ELBO. With {@link TrainingConfig#patience()} the run ends once that score has not improved for
 * that many epochs, and the model is left with its best epoch's weights, the usual remedy for a
 * model that overfits a static training set; an improvement must exceed {@link #MIN_IMPROVEMENT}.
 * A plateau {@link LearningRateSchedule} lowers the learning rate on the same score. Shuffling and
 * noise are pure functions of (seed, epoch, step), so a run resumed from any checkpoint continues
 * exactly as the uninterrupted run would have.
 *
 * <p>Faults: a step whose ELBO or gradient is not finite is skipped and counted; after
 * {@link #MAX_CONSECUTIVE_BAD_STEPS} in a row, or an epoch without a finite step or with a
 * non-finite validation ELBO, the run rolls back to the last completed epoch with half the
 * learning rate, and after {@link #MAX_ROLLBACKS} rollbacks it stops with an error.
 * {@link #requestStop()} (e.g. from a signal handler) ends the run at the next step boundary with a
 * checkpoint of the exact position.
 */
public final class Trainer {

    /** Consecutive non-finite steps that trigger a rollback. */
    public static final int MAX_CONSECUTIVE_BAD_STEPS = 10;
    /** Rollbacks after which training stops with an error. */
    public static final int MAX_ROLLBACKS = 5;
    /**
     * Nats per example by which an epoch's validation score must beat the best so far to count as
     * an improvement (for the best checkpoint, early stopping and the plateau schedule). Without
     * it a run at a tiny learning rate creeps on for hundreds of epochs, each a thousandth of a
     * nat better, which the metrics (two decimals) do not even show.
     */
    public static final double MIN_IMPROVEMENT = 0.01;

    private final TrainingConfig config;
    private final TrainingListener listener;
    private final int validationWorkers;
    private final AtomicBoolean stopRequested = new AtomicBoolean();
    /** Steps per epoch of the run in progress (the KL schedule's time unit). */
    private int stepsPerEpoch = 1;

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
     * Refuses a training configuration the model cannot take (free bits need the per-dimension KL
     * of the normal prior), before anything is created.
     */
    public static void requireCompatible(VaeConfig model, TrainingConfig training) {
        if (training.objective() instanceof TrainingObjective.Elbo elbo && elbo.freeBits() > 0
                && model.prior() != Prior.NORMAL) {
            throw new IllegalArgumentException("--free-bits floors the per-dimension KL against N(0, I);"
                    + " it needs --prior normal");
        }
    }

    /** Asks a running {@link #train} to stop at the next step boundary (thread-safe). */
    public void requestStop() {
        stopRequested.set(true);
    }

    /**
     * Trains {@code model} in place on {@code train}, validating on {@code valid} (may be null),
     * writing metrics and checkpoints to {@code run} (may be null for in-memory training), and
     * continuing from {@code resume} when it is not null.
     */
    public TrainingResult train(VaeModel model, Dataset train, Dataset valid, RunDirectory run, Checkpoint resume) {
        RunState state = new RunState(resume == null ? TrainingPosition.start(config.learningRate()) : resume.position());
        TrainingObjective objective = config.objective();
        if (resume != null && !resume.objective().equals(objective.describe())) {
            throw new IllegalArgumentException("the checkpoint was trained with the objective '" + resume.objective()
                    + "' but this run asks for '" + objective.describe() + "'; resume with the run's own objective");
        }
        requireCompatible(model.config(), config);
        requireValidationSplit(config, valid);
        if (resume == null && model.config().prior() == Prior.VAMP) {
            // A fresh run's pseudo-inputs start at training records, where the data posteriors are.
            model.initializePseudoInputs(train, Seeds.derive(config.seed(), Seeds.Stream.INIT, 1));
        }
        if (resume != null) {
            model.setParameterValues(resume.parameters());
        }
        Adam adam = Adam.withDefaults(Math.toIntExact(model.layout().totalSize()));
        try (NDManager manager = NDManager.newBaseManager(); Workers workers = new Workers(validationWorkers);
                TrainingStep trainingStep = StepFactory.trainingStep(model, objective, config.batchSize(),
                        validationWorkers)) {
            if (resume != null) {
                adam.restore(resume.adamFirstMoment(), resume.adamSecondMoment(), resume.adamStep());
            }
            float[] gradient = new float[Math.toIntExact(model.layout().totalSize())];
            Evaluator validator = new Evaluator(model, manager, Evaluator.DEFAULT_MAX_PARTICLE_ROWS, workers);
            int stepsPerEpoch = (train.rows() + config.batchSize() - 1) / config.batchSize();
            listener.onStart((long) stepsPerEpoch * config.epochs(), state.step);
            this.stepsPerEpoch = stepsPerEpoch;
            Checkpoint lastGood = snapshot(state, model, adam);
            float[] bestParameters = config.stopsEarly() ? bestParameters(run, lastGood) : null;
            double lastElbo = Double.NaN;
            double lastValid = Double.NaN;
            long trainedSamples = 0;
            double trainingSeconds = 0;
            int consecutiveBad = 0;
            int[] order = null;
            int orderEpoch = -1;
            boolean stopped = false;
            boolean stoppedEarly = false;
            while (state.epoch < config.epochs() && !stoppedEarly) {
                int epoch = state.epoch + 1;
                if (orderEpoch != epoch) {
                    order = Batching.permutation(train.rows(), config.seed(), epoch);
                    orderEpoch = epoch;
                }
                if (state.batchesIntoEpoch < stepsPerEpoch) {
                    if (stopRequested.get()) {
                        if (run != null) {
                            run.writeCheckpoint(snapshot(state, model, adam), run.latestCheckpoint());
                        }
                        stopped = true;
                        break;
                    }
                    long start = System.nanoTime();
                    int from = state.batchesIntoEpoch * config.batchSize();
                    int to = Math.min(train.rows(), from + config.batchSize());
                    float[] condition = model.config().conditional()
                            ? Conditions.oneHot(train.labels(), order, from, to, model.config().conditions()) : null;
                    double batchElbo = step(trainingStep, adam, model, state, Batching.gather(train, order, from, to),
                            condition, to - from, gradient);
                    double seconds = (System.nanoTime() - start) / 1e9;
                    state.epochSeconds += seconds;
                    trainingSeconds += seconds;
                    trainedSamples += to - from;
                    if (Double.isFinite(batchElbo)) {
                        consecutiveBad = 0;
                    } else if (++consecutiveBad >= MAX_CONSECUTIVE_BAD_STEPS) {
                        state = rollBack(lastGood, model, adam, state);
                        consecutiveBad = 0;
                        continue;
                    }
                    listener.onStep(state.step, batchElbo / (to - from), to / state.epochSeconds);
                    continue;
                }
                long validationStart = System.nanoTime();
                double validElbo = valid == null ? Double.NaN : validator.elbo(valid, config.seed()).elbo();
                double validIwae = valid == null || !(objective instanceof TrainingObjective.Iwae iwae) ? Double.NaN
                        : Arrays.stream(validator.importanceWeightedLogLikelihood(valid, iwae.k(),
                                config.seed(), ProgressListener.NONE)).average().orElseThrow();
                // An epoch with no finite step, or whose model no longer gives a finite validation
                // ELBO, has diverged however few steps in a row were skipped.
                if (state.epochExamples == 0 || (valid != null && !Double.isFinite(validElbo))
                        || Double.isInfinite(validIwae)) {
                    state = rollBack(lastGood, model, adam, state);
                    consecutiveBad = 0;
                    continue;
                }
                lastValid = validElbo;
                // An IWAE objective is judged on its own bound, which its training loosens the ELBO for.
                double validation = Double.isNaN(validIwae) ? validElbo : validIwae;
                int examples = Math.max(1, state.epochExamples);
                lastElbo = state.epochElbo / examples;
                state.elapsedSeconds += state.epochSeconds + (System.nanoTime() - validationStart) / 1e9;
                boolean improved = validation > state.bestValidation + MIN_IMPROVEMENT;
                if (improved) {
                    state.bestValidation = validation;
                    state.bestEpoch = epoch;
                }
                EpochMetrics metrics = new EpochMetrics(epoch, state.step, lastElbo, state.epochRecon / examples,
                        state.epochKl / examples, klWeightBefore(state.step), state.learningRate, lastValid, validIwae,
                        state.elapsedSeconds, train.rows() / state.epochSeconds, ResidentMemory.megabytes());
                state.completeEpoch();
                LearningRateSchedule schedule = config.learningRateSchedule();
                if (!improved && schedule.reducesAfter(epoch - Math.max(state.bestEpoch, state.learningRateReducedEpoch))) {
                    state.learningRate *= schedule.factor();
                    state.learningRateReducedEpoch = epoch;
                    listener.onLearningRateReduced(epoch, state.learningRate);
                }
                lastGood = snapshot(state, model, adam);
                if (run != null) {
                    // The row goes first: a crash between the two leaves a row that the resumed run
                    // drops and writes again, never a checkpoint without its row.
                    run.appendMetrics(metrics);
                    run.writeCheckpoint(lastGood, run.latestCheckpoint());
                    if (improved || valid == null) {
                        run.writeCheckpoint(lastGood, run.bestCheckpoint());
                    }
                }
                if (improved && bestParameters != null) {
                    bestParameters = lastGood.parameters();
                }
                listener.onEpoch(metrics);
                stoppedEarly = config.stopsEarly() && state.epoch - state.bestEpoch >= config.patience();
            }
            if (!stopped && bestParameters != null) {
                model.setParameterValues(bestParameters);
            }
            return new TrainingResult(state.epoch, state.step, lastElbo, lastValid,
                    valid == null ? Double.NaN : state.bestValidation, state.bestEpoch,
                    trainingSeconds > 0 ? trainedSamples / trainingSeconds : Double.NaN, state.elapsedSeconds,
                    state.skippedSteps, state.rollbacks, stopped, stoppedEarly);
        }
    }

    /**
     * The weights of the best epoch so far: those of a resumed run's {@code best} checkpoint, else
     * (a fresh run, or one without that file) the starting weights.
     */
    private static float[] bestParameters(RunDirectory run, Checkpoint start) {
        if (run != null && start.position().epoch() > 0 && Files.isRegularFile(run.bestCheckpoint())) {
            return run.readCheckpoint(run.bestCheckpoint()).parameters();
        }
        return start.parameters();
    }

    /**
     * Rejects early stopping and a plateau schedule without a validation split, which both watch;
     * callers that create files check this first, so that bad options leave nothing behind.
     */
    public static void requireValidationSplit(TrainingConfig config, Dataset valid) {
        if (config.stopsEarly() && valid == null) {
            throw new IllegalArgumentException("--patience stops on the validation score, but the data has no"
                    + " validation split (a single file: hold some records out with --valid-fraction)");
        }
        if (config.learningRateSchedule().reducesOnPlateau() && valid == null) {
            throw new IllegalArgumentException("--lr-schedule " + config.learningRateSchedule()
                    + " lowers the learning rate on the validation score, but the data has no validation split"
                    + " (a single file: hold some records out with --valid-fraction)");
        }
    }

    /** One optimizer step; returns the batch's summed ELBO (non-finite when the step was skipped). */
    private double step(TrainingStep trainingStep, Adam adam, VaeModel model, RunState state, float[] batch,
            float[] condition, int rows, float[] gradient) {
        float[] noise = GaussianNoise.standardNormal(config.objective().particles() * rows * model.config().latent(),
                Seeds.derive(config.seed(), Seeds.Stream.TRAIN_NOISE, state.step));
        double klWeight = config.objective().klWeight(state.step, stepsPerEpoch);
        // state.epoch counts completed epochs: epochs 1..W of the run are the prior warm-up.
        boolean warmup = state.epoch < config.priorWarmupEpochs();
        state.step++;
        state.batchesIntoEpoch++;
        BatchElbo sums = trainingStep.compute(batch, condition, noise, rows, klWeight, warmup, gradient);
        if (!Double.isFinite(sums.elbo())) {
            state.skippedSteps++;
            return Double.NaN;
        }
        adam.update(model.liveValues(), gradient, (float) state.learningRate);
        model.valuesChanged();
        state.epochElbo += sums.elbo();
        state.epochRecon += sums.reconstruction();
        state.epochKl += sums.kl();
        state.epochExamples += rows;
        return sums.elbo();
    }

    /** Restores the last completed epoch with half the learning rate. */
    private RunState rollBack(Checkpoint lastGood, VaeModel model, Adam adam, RunState failed) {
        TrainingPosition p = lastGood.position();
        long failedAtStep = failed.step;
        if (failed.rollbacks >= MAX_ROLLBACKS) {
            throw new IllegalStateException("training diverged: non-finite values at step " + failedAtStep
                    + " even after " + MAX_ROLLBACKS + " rollbacks that halved the learning rate to "
                    + failed.learningRate
                    + "; check the data for extreme values or lower --lr");
        }
        model.setParameterValues(lastGood.parameters());
        adam.restore(lastGood.adamFirstMoment(), lastGood.adamSecondMoment(), lastGood.adamStep());
        RunState state = new RunState(p);
        // The rate and the count carry over from the failed attempt, not from the snapshot.
        state.learningRate = failed.learningRate / 2;
        state.rollbacks = failed.rollbacks + 1;
        state.skippedSteps = failed.skippedSteps;
        listener.onRollback(failedAtStep, state.step, state.learningRate);
        return state;
    }

    private Checkpoint snapshot(RunState state, VaeModel model, Adam adam) {
        return new Checkpoint(state.position(), model.parameterValues(),
                adam.firstMoment(), adam.secondMoment(), adam.step(),
                config.objective().describe(), klWeightBefore(state.step));
    }

    /** The KL weight of the last step taken before {@code step} (of the first step when none was). */
    private double klWeightBefore(long step) {
        return config.objective().klWeight(Math.max(0, step - 1), stepsPerEpoch);
    }

    /** The mutable counterpart of {@link TrainingPosition} while a run is in progress. */
    private static final class RunState {
        int epoch;
        int batchesIntoEpoch;
        long step;
        double learningRate;
        double bestValidation;
        int bestEpoch;
        int learningRateReducedEpoch;
        double elapsedSeconds;
        double epochElbo;
        double epochRecon;
        double epochKl;
        int epochExamples;
        double epochSeconds;
        long skippedSteps;
        int rollbacks;

        RunState(TrainingPosition p) {
            epoch = p.epoch();
            batchesIntoEpoch = p.batchesIntoEpoch();
            step = p.step();
            learningRate = p.learningRate();
            bestValidation = p.bestValidation();
            bestEpoch = p.bestEpoch();
            learningRateReducedEpoch = p.learningRateReducedEpoch();
            elapsedSeconds = p.elapsedSeconds();
            epochElbo = p.epochElbo();
            epochRecon = p.epochRecon();
            epochKl = p.epochKl();
            epochExamples = p.epochExamples();
            epochSeconds = p.epochSeconds();
            skippedSteps = p.skippedSteps();
            rollbacks = p.rollbacks();
        }

        TrainingPosition position() {
            return new TrainingPosition(epoch, batchesIntoEpoch, step, learningRate, bestValidation, bestEpoch,
                    learningRateReducedEpoch, elapsedSeconds, epochElbo, epochRecon, epochKl, epochExamples, epochSeconds,
                    skippedSteps, rollbacks);
        }

        void completeEpoch() {
            epoch++;
            batchesIntoEpoch = 0;
            epochElbo = 0;
            epochRecon = 0;
            epochKl = 0;
            epochExamples = 0;
            epochSeconds = 0;
        }
    }
}
