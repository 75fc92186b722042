package io.github.elbo4j.vae.train;

import io.github.elbo4j.vae.model.VaeModel;
import io.github.elbo4j.vae.run.Checkpoint;
import java.util.List;

/** Several listeners as one, called in list order (a position passes through each in turn). */
final class TrainingListeners implements TrainingListener {

    private final List<TrainingListener> listeners;

    TrainingListeners(List<TrainingListener> listeners) {
        this.listeners = List.copyOf(listeners);
    }

    @Override
    public void onStart(long totalSteps, long completedSteps) {
        listeners.forEach(l -> l.onStart(totalSteps, completedSteps));
    }

    @Override
    public void onStep(long step, double batchElbo, double samplesPerSecond) {
        listeners.forEach(l -> l.onStep(step, batchElbo, samplesPerSecond));
    }

    @Override
    public TrainingPosition beforeCheckpoint(TrainingPosition completed, boolean improved) {
        TrainingPosition position = completed;
        for (TrainingListener l : listeners) {
            position = l.beforeCheckpoint(position, improved);
        }
        return position;
    }

    @Override
    public void onEpochEnd(EpochEnd end) {
        listeners.forEach(l -> l.onEpochEnd(end));
    }

    @Override
    public boolean stopsAfter(TrainingPosition completed) {
        return listeners.stream().anyMatch(l -> l.stopsAfter(completed));
    }

    @Override
    public void onStopRequested(Checkpoint exact) {
        listeners.forEach(l -> l.onStopRequested(exact));
    }

    @Override
    public void onFinish(VaeModel model) {
        listeners.forEach(l -> l.onFinish(model));
    }

    @Override
    public void onRollback(long failedAtStep, long resumedAtStep, double learningRate) {
        listeners.forEach(l -> l.onRollback(failedAtStep, resumedAtStep, learningRate));
    }

    @Override
    public void onLearningRateReduced(int epoch, double learningRate) {
        listeners.forEach(l -> l.onLearningRateReduced(epoch, learningRate));
    }
}
