package io.github.elbo4j.vae.train;

import ai.djl.ndarray.NDManager;
import io.github.elbo4j.data.Batching;
import io.github.elbo4j.data.Dataset;
import io.github.elbo4j.data.SettingException;
import io.github.elbo4j.optim.Adam;
import io.github.elbo4j.vae.eval.Evaluator;
import io.github.elbo4j.vae.eval.Workers;
import io.github.elbo4j.vae.model.LatentPrior;
import io.github.elbo4j.vae.model.OneHotConditions;
import io.github.elbo4j.vae.model.VaeConfig;
import io.github.elbo4j.vae.model.VaeModel;
import io.github.elbo4j.vae.objective.BatchElbo;
import io.github.elbo4j.vae.objective.GaussianNoise;
import io.github.elbo4j.vae.objective.StepFactory;
import io.github.elbo4j.vae.objective.TrainingObjective;
import io.github.elbo4j.vae.objective.TrainingStep;
import io.github.elbo4j.vae.run.Checkpoint;
import io.github.elbo4j.vae.run.RunDirectory;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
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
 * <p>The loop itself only steps, validates and rolls back, on a {@link TrainingPosition} that is
 * the whole training state. What happens at an epoch's end is a {@link TrainingListener}: the
 * plateau schedule ({@link LearningRateSchedule}), the metrics row and checkpoints (with a run
 * directory), early stopping, then the caller's listener, in that order.
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
        if (training.objective() instanceof TrainingObjective.Elbo elbo
                && elbo.freeBits() > 0
                && model.prior() != LatentPrior.NORMAL) {
            throw new SettingException(
                    "freeBits floors the per-dimension KL against N(0, I);" + " it needs prior normal",
                    "freeBits",
                    "prior");
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
        TrainingObjective objective = config.objective();
        if (resume != null && !resume.objective().equals(objective.describe())) {
            throw new IllegalArgumentException("the checkpoint was trained with the objective '" + resume.objective()
                    + "' but this run asks for '" + objective.describe() + "'; resume with the run's own objective");
        }
        requireCompatible(model.config(), config);
        requireValidationSplit(config, valid);
        if (resume == null && model.config().prior() == LatentPrior.VAMP) {
            // A fresh run's pseudo-inputs start at training records, where the data posteriors are.
            model.initializePseudoInputs(train, Seeds.derive(config.seed(), Seeds.Stream.INIT, 1));
        }
        if (resume != null) {
            model.setParameterValues(resume.parameters());
        }
        Adam adam = Adam.withDefaults(Math.toIntExact(model.layout().totalSize()));
        try (NDManager manager = NDManager.newBaseManager();
                Workers workers = new Workers(validationWorkers);
                TrainingStep trainingStep =
                        StepFactory.trainingStep(model, objective, config.batchSize(), validationWorkers)) {
            if (resume != null) {
                adam.restore(resume.adamFirstMoment(), resume.adamSecondMoment(), resume.adamStep());
            }
            float[] gradient = new float[Math.toIntExact(model.layout().totalSize())];
            Evaluator validator = new Evaluator(model, manager, Evaluator.DEFAULT_MAX_PARTICLE_ROWS, workers);
            this.stepsPerEpoch = (train.rows() + config.batchSize() - 1) / config.batchSize();
            Session session = new Session(
                    model,
                    adam,
                    train,
                    valid,
                    validator,
                    trainingStep,
                    gradient,
                    resume == null ? TrainingPosition.start(config.learningRate()) : resume.position(),
                    run);
            TrainingPosition state = session.lastGood.position();
            session.listeners.onStart((long) stepsPerEpoch * config.epochs(), state.step());
            boolean stoppedEarly = false;
            while (state.epoch() < config.epochs() && !stoppedEarly) {
                if (state.batchesIntoEpoch() < stepsPerEpoch) {
                    if (stopRequested.get()) {
                        session.listeners.onStopRequested(snapshot(state, model, adam));
                        return session.result(state, true, false);
                    }
                    state = session.trainBatch(state);
                } else {
                    TrainingPosition before = state;
                    state = session.endEpoch(state);
                    stoppedEarly = state.epoch() > before.epoch() && session.listeners.stopsAfter(state);
                }
            }
            session.listeners.onFinish(model);
            return session.result(state, false, stoppedEarly);
        }
    }

    /**
     * One invocation of {@link #train}: what it works on, and what it tracks besides the
     * {@link TrainingPosition} (which the loop holds): the last completed epoch to roll back to,
     * the run of non-finite steps, the epoch's shuffle and the throughput.
     */
    private final class Session {
        final VaeModel model;
        final Adam adam;
        final Dataset train;
        final Dataset valid;
        final Evaluator validator;
        final TrainingStep trainingStep;
        final float[] gradient;
        final TrainingListener listeners;
        final Throughput throughput = new Throughput();
        Checkpoint lastGood;
        EpochMetrics last;
        int consecutiveBad;
        int[] order;

        Session(
                VaeModel model,
                Adam adam,
                Dataset train,
                Dataset valid,
                Evaluator validator,
                TrainingStep trainingStep,
                float[] gradient,
                TrainingPosition start,
                RunDirectory run) {
            this.model = model;
            this.adam = adam;
            this.train = train;
            this.valid = valid;
            this.validator = validator;
            this.trainingStep = trainingStep;
            this.gradient = gradient;
            this.lastGood = snapshot(start, model, adam);
            this.listeners = listeners(run, lastGood);
        }

        /** One batch from {@code state}: a step, or a rollback after too many non-finite ones. */
        TrainingPosition trainBatch(TrainingPosition state) {
            if (order == null || state.batchesIntoEpoch() == 0) {
                order = Batching.permutation(train.rows(), config.seed(), state.epoch() + 1);
            }
            long start = System.nanoTime();
            int from = state.batchesIntoEpoch() * config.batchSize();
            int to = Math.min(train.rows(), from + config.batchSize());
            float[] condition = model.config().conditional()
                    ? OneHotConditions.oneHot(
                            train.labels(), order, from, to, model.config().conditions())
                    : null;
            BatchElbo sums = step(
                    trainingStep,
                    adam,
                    model,
                    state,
                    Batching.gather(train, order, from, to),
                    condition,
                    to - from,
                    gradient);
            double seconds = throughput.add(to - from, start);
            TrainingPosition next = (sums == null ? state.withSkippedStep() : state.afterStep(to - from, sums))
                    .nextBatch()
                    .plusEpochSeconds(seconds);
            consecutiveBad = sums == null ? consecutiveBad + 1 : 0;
            if (consecutiveBad >= MAX_CONSECUTIVE_BAD_STEPS) {
                return rollBack(next);
            }
            listeners.onStep(
                    next.step(), sums == null ? Double.NaN : sums.elbo() / (to - from), to / next.epochSeconds());
            return next;
        }

        /**
         * Validates the epoch that {@code state} ends and hands it to the listeners; returns the
         * position after it, or the last completed epoch's after a rollback when it diverged.
         */
        TrainingPosition endEpoch(TrainingPosition state) {
            long validationStart = System.nanoTime();
            TrainingObjective objective = config.objective();
            double validElbo = valid == null
                    ? Double.NaN
                    : validator.elbo(valid, config.seed()).elbo();
            double validIwae = valid == null || !(objective instanceof TrainingObjective.Iwae iwae)
                    ? Double.NaN
                    : Arrays.stream(validator.importanceWeightedLogLikelihood(
                                    valid, iwae.k(), config.seed(), ProgressListener.NONE))
                            .average()
                            .orElseThrow();
            // An epoch with no finite step, or whose model no longer gives a finite validation
            // ELBO, has diverged however few steps in a row were skipped.
            if (state.epochExamples() == 0
                    || (valid != null && !Double.isFinite(validElbo))
                    || Double.isInfinite(validIwae)) {
                return rollBack(state);
            }
            // An IWAE objective is judged on its own bound, which its training loosens the ELBO for.
            double validation = Double.isNaN(validIwae) ? validElbo : validIwae;
            boolean improved = validation > state.bestValidation() + MIN_IMPROVEMENT;
            TrainingPosition completed =
                    state.completeEpoch(state.epochSeconds() + (System.nanoTime() - validationStart) / 1e9);
            if (improved) {
                completed = completed.withBest(validation);
            }
            last = metrics(state, completed, validElbo, validIwae, train.rows());
            TrainingPosition next = listeners.beforeCheckpoint(completed, improved);
            if (next.learningRate() != completed.learningRate()) {
                listeners.onLearningRateReduced(next.epoch(), next.learningRate());
            }
            lastGood = snapshot(next, model, adam);
            listeners.onEpochEnd(new EpochEnd(last, lastGood, improved || valid == null));
            return next;
        }

        /** Restores the last completed epoch with half the learning rate. */
        private TrainingPosition rollBack(TrainingPosition failed) {
            if (failed.rollbacks() >= MAX_ROLLBACKS) {
                throw new IllegalStateException("training diverged: non-finite values at step " + failed.step()
                        + " even after " + MAX_ROLLBACKS + " rollbacks that halved the learning rate to "
                        + failed.learningRate()
                        + "; check the data for extreme values or lower the learning rate");
            }
            model.setParameterValues(lastGood.parameters());
            adam.restore(lastGood.adamFirstMoment(), lastGood.adamSecondMoment(), lastGood.adamStep());
            consecutiveBad = 0;
            TrainingPosition resumed = lastGood.position().rolledBackFrom(failed);
            listeners.onRollback(failed.step(), resumed.step(), resumed.learningRate());
            return resumed;
        }

        TrainingResult result(TrainingPosition state, boolean stopped, boolean stoppedEarly) {
            return new TrainingResult(
                    state.epoch(),
                    state.step(),
                    last == null ? Double.NaN : last.elbo(),
                    last == null ? Double.NaN : last.validElbo(),
                    valid == null ? Double.NaN : state.bestValidation(),
                    state.bestEpoch(),
                    throughput.samplesPerSecond(),
                    state.elapsedSeconds(),
                    state.skippedSteps(),
                    state.rollbacks(),
                    stopped,
                    stoppedEarly);
        }
    }

    /**
     * What happens at an epoch's end besides validation, in order: the plateau schedule, the
     * metrics row and checkpoints (with a run directory), early stopping, then the caller's
     * listener.
     */
    private TrainingListener listeners(RunDirectory run, Checkpoint start) {
        List<TrainingListener> listeners = new ArrayList<>();
        listeners.add(config.learningRateSchedule());
        if (run != null) {
            listeners.add(new RunRecorder(run));
        }
        if (config.stopsEarly()) {
            listeners.add(new EarlyStopping(config.patience(), bestParameters(run, start)));
        }
        listeners.add(listener);
        return new TrainingListeners(listeners);
    }

    /**
     * The row of the epoch that {@code epochEnd} holds the sums of and {@code completed} ends
     * (the KL weight and learning rate it was trained with, its time up to the end of validation).
     */
    private EpochMetrics metrics(
            TrainingPosition epochEnd, TrainingPosition completed, double validElbo, double validIwae, int rows) {
        int examples = Math.max(1, epochEnd.epochExamples());
        return new EpochMetrics(
                completed.epoch(),
                completed.step(),
                epochEnd.epochElbo() / examples,
                epochEnd.epochRecon() / examples,
                epochEnd.epochKl() / examples,
                klWeightBefore(completed.step()),
                completed.learningRate(),
                validElbo,
                validIwae,
                completed.elapsedSeconds(),
                rows / epochEnd.epochSeconds(),
                ResidentMemory.megabytes());
    }

    /** Examples trained and time spent in steps by this invocation, validation excluded. */
    private static final class Throughput {
        private long samples;
        private double seconds;

        /** Counts a step of {@code rows} examples begun at {@code startNanos}; returns its seconds. */
        double add(int rows, long startNanos) {
            double step = (System.nanoTime() - startNanos) / 1e9;
            samples += rows;
            seconds += step;
            return step;
        }

        double samplesPerSecond() {
            return seconds > 0 ? samples / seconds : Double.NaN;
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
            throw new SettingException(
                    "patience stops on the validation score, but the data has no" + " validation split", "patience");
        }
        if (config.learningRateSchedule().reducesOnPlateau() && valid == null) {
            throw new SettingException(
                    "learningRateSchedule " + config.learningRateSchedule()
                            + " lowers the learning rate on the validation score, but the data has no validation split",
                    "learningRateSchedule");
        }
    }

    /**
     * One optimizer step from {@code state}; returns the batch's ELBO sums, or null when the step
     * was not finite and skipped.
     */
    private BatchElbo step(
            TrainingStep trainingStep,
            Adam adam,
            VaeModel model,
            TrainingPosition state,
            float[] batch,
            float[] condition,
            int rows,
            float[] gradient) {
        float[] noise = GaussianNoise.standardNormal(
                config.objective().particles() * rows * model.config().latent(),
                Seeds.derive(config.seed(), Seeds.Stream.TRAIN_NOISE, state.step()));
        double klWeight = config.objective().klWeight(state.step(), stepsPerEpoch);
        // state.epoch counts completed epochs: epochs 1..W of the run are the prior warm-up.
        boolean warmup = state.epoch() < config.priorWarmupEpochs();
        BatchElbo sums = trainingStep.compute(batch, condition, noise, rows, klWeight, warmup, gradient);
        if (!Double.isFinite(sums.elbo())) {
            return null;
        }
        adam.update(model.liveValues(), gradient, (float) state.learningRate());
        model.valuesChanged();
        return sums;
    }

    private Checkpoint snapshot(TrainingPosition state, VaeModel model, Adam adam) {
        return new Checkpoint(
                state,
                model.parameterValues(),
                adam.firstMoment(),
                adam.secondMoment(),
                adam.step(),
                config.objective().describe(),
                klWeightBefore(state.step()));
    }

    /** The KL weight of the last step taken before {@code step} (of the first step when none was). */
    private double klWeightBefore(long step) {
        return config.objective().klWeight(Math.max(0, step - 1), stepsPerEpoch);
    }
}
