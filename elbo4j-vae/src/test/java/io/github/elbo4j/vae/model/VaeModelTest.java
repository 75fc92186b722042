package io.github.elbo4j.vae.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import io.github.elbo4j.vae.train.SmallData;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class VaeModelTest {

    @Test
    void layoutUsesTheDocumentedWeightNamesAndPyTorchShapes() {
        VaeConfig config = VaeConfig.builder()
                .inputShape(28, 28)
                .hidden(200, 100)
                .latent(50)
                .build();
        List<String> names = VaeModel.layoutOf(config).entries().stream()
                .map(ParameterLayout.Entry::name)
                .toList();
        assertThat(names)
                .containsExactly(
                        "encoder.hidden.0.weight",
                        "encoder.hidden.0.bias",
                        "encoder.hidden.1.weight",
                        "encoder.hidden.1.bias",
                        "encoder.loc.weight",
                        "encoder.loc.bias",
                        "encoder.log_var.weight",
                        "encoder.log_var.bias",
                        "decoder.hidden.0.weight",
                        "decoder.hidden.0.bias",
                        "decoder.hidden.1.weight",
                        "decoder.hidden.1.bias",
                        "decoder.out.weight",
                        "decoder.out.bias");
        Map<String, long[]> shapes = new java.util.HashMap<>();
        VaeModel.layoutOf(config).entries().forEach(e -> shapes.put(e.name(), e.shape()));
        assertThat(shapes.get("encoder.hidden.0.weight")).containsExactly(200, 784);
        assertThat(shapes.get("encoder.log_var.weight")).containsExactly(50, 100);
        assertThat(shapes.get("decoder.hidden.0.weight")).containsExactly(100, 50);
        assertThat(shapes.get("decoder.hidden.1.weight")).containsExactly(200, 100);
        assertThat(shapes.get("decoder.out.weight")).containsExactly(784, 200);
    }

    @Test
    void initializationIsPyTorchsUniformAndDeterministic() {
        VaeConfig config = SmallData.smallModel();
        try (NDManager m = NDManager.newBaseManager();
                VaeModel a = VaeModel.initialize(config, m, 7);
                VaeModel b = VaeModel.initialize(config, m, 7);
                VaeModel c = VaeModel.initialize(config, m, 8)) {
            assertThat(a.parameterValues()).containsExactly(b.parameterValues());
            assertThat(a.parameterValues()).isNotEqualTo(c.parameterValues());
            Tensor first = a.namedWeights().get("encoder.hidden.0.weight");
            double bound = 1 / Math.sqrt(784);
            for (float v : first.data()) {
                assertThat(Math.abs(v)).isLessThanOrEqualTo((float) bound);
            }
        }
    }

    @Test
    void namedWeightsRoundTripThroughTheLayout() {
        VaeConfig config = SmallData.smallModel();
        try (NDManager m = NDManager.newBaseManager();
                VaeModel a = VaeModel.initialize(config, m, 1);
                VaeModel b = VaeModel.fromWeights(config, a.namedWeights(), m, "test")) {
            assertThat(b.parameterValues()).containsExactly(a.parameterValues());
        }
    }

    @Test
    void rejectsWeightsOfAnotherArchitectureNamingTheTensor() {
        try (NDManager m = NDManager.newBaseManager();
                VaeModel a = VaeModel.initialize(SmallData.smallModel(), m, 1)) {
            VaeConfig wider =
                    VaeConfig.builder().inputShape(28, 28).hidden(65).latent(4).build();
            assertThatThrownBy(() -> VaeModel.fromWeights(wider, a.namedWeights(), m, "w.safetensors"))
                    .hasMessageContaining("w.safetensors")
                    .hasMessageContaining("encoder.hidden.0.weight")
                    .hasMessageContaining("[64, 784]");
        }
    }

    @Test
    void gradientsOfTheViewsFlowIntoTheFlatVector() {
        try (NDManager m = NDManager.newBaseManager();
                VaeModel model = VaeModel.initialize(SmallData.smallModel(), m, 3)) {
            NDArray parameters = model.parameters();
            parameters.setRequiresGradient(true);
            try (NDManager scope = m.newSubManager()) {
                NDArray x = scope.ones(new Shape(2, 784));
                try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                    VaeNetwork network = model.bind(scope);
                    gc.backward(network.encode(x).loc().sum());
                }
                float[] gradient = parameters.getGradient().toFloatArray();
                ParameterLayout.Entry locBias = model.layout().entries().stream()
                        .filter(e -> e.name().equals("encoder.loc.bias"))
                        .findFirst()
                        .orElseThrow();
                // d(sum of loc)/d(loc bias) = number of examples, for every latent unit
                for (int i = 0; i < locBias.size(); i++) {
                    assertThat(gradient[(int) locBias.offset() + i]).isEqualTo(2f);
                }
                ParameterLayout.Entry decoderOut = model.layout().entries().stream()
                        .filter(e -> e.name().equals("decoder.out.bias"))
                        .findFirst()
                        .orElseThrow();
                assertThat(gradient[(int) decoderOut.offset()]).isZero();
            }
        }
    }

    @Test
    void configRejectsANonPositiveLatentDimensionNamingTheOption() {
        assertThatThrownBy(() -> VaeConfig.builder().latent(0).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("latent must be at least 1");
    }
}
