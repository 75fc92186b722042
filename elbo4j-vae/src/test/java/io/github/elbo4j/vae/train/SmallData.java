package io.github.elbo4j.vae.train;

import io.github.elbo4j.data.Dataset;
import io.github.elbo4j.data.Shapes;
import io.github.elbo4j.vae.model.VaeConfig;

/** Small datasets and models that keep the VAE tests fast. */
public final class SmallData {

    private SmallData() {}

    /** {@code n} procedural 28×28 shape images. */
    public static Dataset shapes(int n, long seed) {
        return Shapes.generate(n, seed);
    }

    /** A small MLP VAE for 28×28 binary images. */
    public static VaeConfig smallModel() {
        return VaeConfig.builder().inputShape(28, 28).hidden(64).latent(4).build();
    }
}
