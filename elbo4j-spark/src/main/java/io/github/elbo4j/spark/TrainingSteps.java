package io.github.elbo4j.spark;

import io.github.elbo4j.vae.model.VaeConfig;
import io.github.elbo4j.vae.model.VaeModel;
import io.github.elbo4j.vae.objective.StepFactory;
import io.github.elbo4j.vae.objective.TrainingObjective;
import io.github.elbo4j.vae.objective.TrainingStep;
import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Training steps kept per executor JVM and lent to one gradient computation at a time, so that a
 * step costs its arithmetic and not the construction of a model and a step.
 *
 * <p>Building a {@link VaeModel} and its {@link TrainingStep} ({@link StepFactory#trainingStep})
 * allocates the step's buffers and the engine's copy of the parameters; training runs thousands of
 * steps, each on the parameters the driver broadcast for that round. A lent step gets those
 * parameters copied into its model ({@link VaeModel#setParameterValues}) and computes, or, for a
 * round of local steps, keeps the replica's parameters in its model and lets the optimizer update
 * them there ({@link Lease#liveParameters}); giving it back keeps it for the next computation, of
 * this task or a later one. A fused step is not thread-safe but needs nothing shared, so
 * tasks running at once in one JVM (local mode, an executor with several cores) each hold their
 * own; steps on the engine path share DJL's process-wide gradient collector and take
 * {@link VaeCompute#GRADIENT_LOCK}.
 *
 * <p>Steps are kept per (architecture, largest batch): as many per key as tasks ever ran at once
 * in the JVM. When more than {@link #CAPACITY} keys hold idle steps, the idle steps of the least
 * recently used key are closed, which frees their buffers and engine memory.
 */
final class TrainingSteps {

    /** Configurations (architecture, largest batch) whose idle steps are kept per JVM. */
    static final int CAPACITY = 4;

    private static final Map<Key, ArrayDeque<Lease>> IDLE = new LinkedHashMap<>(16, 0.75f, true);
    private static long built;

    private TrainingSteps() {}

    private record Key(VaeConfig config, int maxBatch) {}

    /** A model with its plain-ELBO step, lent to one computation; closing the lease gives it back. */
    static final class Lease implements AutoCloseable {
        private final Key key;
        private final VaeModel model;
        private final TrainingStep step;
        private final boolean engine;

        private Lease(Key key) {
            this.key = key;
            this.model = VaeModel.fromParameters(
                    key.config(),
                    new float[Math.toIntExact(VaeModel.layoutOf(key.config()).totalSize())],
                    VaeCompute.base());
            this.step = StepFactory.trainingStep(model, TrainingObjective.ELBO, key.maxBatch(), 1);
            this.engine = StepFactory.trainingBackend(key.config(), TrainingObjective.ELBO, key.maxBatch())
                    == StepFactory.Backend.ENGINE;
        }

        /** See {@link VaeCompute#gradient}. */
        VaeCompute.Gradient gradient(float[] parameters, float[] x, int rows, float[] noise, double weight) {
            model.setParameterValues(parameters);
            return gradientInto(new float[parameters.length], x, rows, noise, weight);
        }

        /**
         * The step's parameters themselves, for a computation that keeps its replica here across
         * steps (a round of local steps): writing them and then calling {@link #gradientInto} saves
         * a copy of the parameters per step.
         */
        float[] liveParameters() {
            return model.liveValues();
        }

        /**
         * {@link VaeCompute#gradient} at the {@link #liveParameters()} as they are now, written into
         * {@code gradient} (which the next call overwrites); returns a Gradient that holds it.
         */
        VaeCompute.Gradient gradientInto(float[] gradient, float[] x, int rows, float[] noise, double weight) {
            if (rows > key.maxBatch()) {
                throw new IllegalArgumentException(
                        "a batch of " + rows + " rows for a step built for at most " + key.maxBatch());
            }
            if (engine) {
                VaeCompute.GRADIENT_LOCK.lock();
            }
            try {
                // The engine's copy of the parameters follows the live values only when told.
                model.valuesChanged();
                var sums = step.compute(x, null, noise, rows, 1.0, false, gradient);
                // The step's loss is −(1/rows) Σ_i ELBO(x_i).
                float scale = (float) (weight * rows);
                if (scale != 1f) {
                    for (int i = 0; i < gradient.length; i++) {
                        gradient[i] *= scale;
                    }
                }
                return new VaeCompute.Gradient(gradient, sums.elbo(), sums.reconstruction(), sums.kl());
            } finally {
                if (engine) {
                    VaeCompute.GRADIENT_LOCK.unlock();
                }
            }
        }

        @Override
        public void close() {
            synchronized (IDLE) {
                IDLE.computeIfAbsent(key, k -> new ArrayDeque<>()).push(this);
                evict();
            }
        }

        private void destroy() {
            step.close();
            model.close();
        }
    }

    /**
     * Lends a step for {@code config}'s model and batches of up to {@code maxBatch} rows: an idle
     * one of this JVM, or a new one.
     */
    static Lease borrow(VaeConfig config, int maxBatch) {
        Key key = new Key(config, maxBatch);
        synchronized (IDLE) {
            ArrayDeque<Lease> idle = IDLE.get(key);
            if (idle != null && !idle.isEmpty()) {
                return idle.pop();
            }
            built++;
        }
        // Built outside the lock: other tasks may borrow and give back meanwhile.
        return new Lease(key);
    }

    /** Steps built in this JVM so far (for tests and diagnostics). */
    static long built() {
        synchronized (IDLE) {
            return built;
        }
    }

    private static void evict() {
        Iterator<ArrayDeque<Lease>> it = IDLE.values().iterator();
        while (IDLE.size() > CAPACITY && it.hasNext()) {
            for (Lease lease : it.next()) {
                lease.destroy();
            }
            it.remove();
        }
    }
}
