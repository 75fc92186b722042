package io.github.elbo4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.elbo4j.vae.model.VaeConfig;
import io.github.elbo4j.vae.objective.StepFactory;
import io.github.elbo4j.vae.objective.TrainingObjective;
import org.junit.jupiter.api.Test;

class ThreadOptionsTest {

    @Test
    void engineTrainedModelsGetEveryThreadAsIntraOpThreadsAndOneEvaluationWorker() {
        VaeConfig conv = VaeConfig.builder()
                .inputShape(28, 28)
                .hidden(256)
                .latent(16)
                .conv(32, 64)
                .build();
        boolean fused = StepFactory.trainingBackend(conv, TrainingObjective.iwae(5), 100) == StepFactory.Backend.FUSED;
        assertThat(fused)
                .as("the convolutional VAE trains through the engine on IWAE")
                .isFalse();
        int intraOp = ThreadOptions.intraOpThreads(fused, 2);
        assertThat(intraOp).isEqualTo(2);
        assertThat(ThreadOptions.workers(2, intraOp)).isEqualTo(1);
    }

    @Test
    void fusedTrainingKeepsOneIntraOpThreadPerWorker() {
        int intraOp = ThreadOptions.intraOpThreads(true, 4);
        assertThat(intraOp).isEqualTo(1);
        assertThat(ThreadOptions.workers(4, intraOp)).isEqualTo(4);
        assertThat(ThreadOptions.workers(3, 2)).isEqualTo(1);
    }
}
