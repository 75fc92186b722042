package io.github.elbo4j.vae;

import io.github.elbo4j.data.Dataset;
import io.github.elbo4j.data.Shapes;

/** Small datasets and models that keep the VAE tests fast. */
final class SmallData {

    private SmallData() {}

    /** {@code n} procedural 28×28 shape images. */
    static Dataset shapes(int n, long seed) {
        return Shapes.generate(n, seed);
    }

    /** A small MLP VAE for 28×28 binary images. */
    static VaeConfig smallModel() {
        return VaeConfig.builder().inputShape(28, 28).hidden(64).latent(4).build();
    }
}
