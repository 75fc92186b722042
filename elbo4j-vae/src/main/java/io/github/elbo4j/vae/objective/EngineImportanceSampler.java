package io.github.elbo4j.vae.objective;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.github.elbo4j.data.Dataset;
import io.github.elbo4j.elbo.ImportanceWeightedElbo;
import io.github.elbo4j.math.TensorUpload;
import io.github.elbo4j.vae.model.OneHotConditions;
import io.github.elbo4j.vae.model.VaeModel;
import io.github.elbo4j.vae.model.VaeNetwork;

/**
 * The engine's {@link ImportanceSampler}, for every model: core's {@link ImportanceWeightedElbo} on
 * chunks of examples small enough that at most {@code maxParticleRows} decoder rows are alive at once.
 */
public final class EngineImportanceSampler implements ImportanceSampler {

    private final VaeModel model;
    private final NDManager manager;
    private final ImportanceWeightedElbo estimator;
    private final int k;
    private final int chunk;
    private final TensorUpload upload = new TensorUpload();

    /** A sampler whose temporaries live in sub-scopes of {@code manager}. */
    EngineImportanceSampler(VaeModel model, NDManager manager, int k, int maxParticleRows) {
        this.model = model;
        this.manager = manager;
        this.estimator = new ImportanceWeightedElbo(k);
        this.k = k;
        this.chunk = Math.max(1, maxParticleRows / k);
    }

    @Override
    public int chunk() {
        return chunk;
    }

    @Override
    public void estimate(Dataset data, int from, int to, long seed, double[] result) {
        int features = data.features();
        int latent = model.config().latent();
        try (NDManager scope = manager.newSubManager()) {
            NDArray x = upload.upload(
                    scope, data.values(), from * features, (to - from) * features, new Shape(to - from, features));
            VaeNetwork network = OneHotConditions.bind(model, scope, data, from, to, upload);
            NDArray noise = upload.upload(
                    scope, GaussianNoise.perExample(k, from, to, latent, seed), new Shape(k, to - from, latent));
            float[] bounds = estimator
                    .estimate(network.encode(x), network.prior(), network, x, noise)
                    .elbo()
                    .toFloatArray();
            for (int i = 0; i < bounds.length; i++) {
                result[from + i] = bounds[i];
            }
        }
    }
}
