package io.github.elbo4j.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.elbo4j.vae.model.Likelihood;
import io.github.elbo4j.vae.model.TabularLayout;
import io.github.elbo4j.vae.model.VaeConfig;
import org.junit.jupiter.api.Test;

class VaeSpecTest {

    @Test
    void refusesTheTabularAndCategoricalLikelihoodsWithAClearMessage() {
        VaeConfig tabular = VaeConfig.builder()
                .inputShape(5)
                .hidden(4)
                .latent(2)
                .likelihood(Likelihood.TABULAR)
                .tabular(new TabularLayout(1, 1, new int[] {3}))
                .build();
        assertThatThrownBy(() -> VaeSpec.of(tabular))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("does not carry the tabular or categorical likelihood")
                .hasMessageContaining("elbo4j CLI");
        VaeConfig categorical = VaeConfig.builder()
                .inputShape(5)
                .hidden(4)
                .latent(2)
                .likelihood(Likelihood.CATEGORICAL)
                .tabular(new TabularLayout(0, 0, new int[] {2, 3}))
                .build();
        assertThatThrownBy(() -> VaeSpec.of(categorical)).hasMessageContaining("tabular or categorical");
        // The estimator's likelihood parameter accepts only what VaeSpec carries.
        assertThatThrownBy(() -> new VaeEstimator().setLikelihood("tabular"))
                .hasMessageContaining("likelihood given invalid value tabular");
    }

    @Test
    void carriesABernoulliModel() {
        VaeConfig config = VaeConfig.builder().inputShape(6).hidden(4).latent(2).build();
        assertThat(VaeSpec.of(config).toConfig()).isEqualTo(config);
    }
}
