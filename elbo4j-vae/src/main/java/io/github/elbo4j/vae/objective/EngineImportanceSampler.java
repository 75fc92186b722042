package io.github.elbo4j.vae.objective;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import io.github.elbo4j.data.Dataset;
import io.github.elbo4j.distributions.DiagonalNormal;
import io.github.elbo4j.elbo.AnalyticKlElbo;
import io.github.elbo4j.elbo.ElboTerms;
import io.github.elbo4j.elbo.ImportanceWeightedElbo;
import io.github.elbo4j.elbo.MonteCarloElbo;
import io.github.elbo4j.kl.KlDivergence;
import io.github.elbo4j.math.TensorUpload;
import io.github.elbo4j.vae.model.LatentPrior;
import io.github.elbo4j.vae.model.OneHotConditions;
import io.github.elbo4j.vae.model.VaeModel;
import io.github.elbo4j.vae.model.VaeNetwork;
import java.util.Arrays;

/**
 * The engine's {@link ImportanceSampler}, for every model: core's {@link ImportanceWeightedElbo} on
 * chunks of examples small enough that at most {@code maxParticleRows} decoder rows are alive at once.
 * The first particle's single-sample ELBO comes from core's {@link AnalyticKlElbo} (against a
 * VampPrior {@link MonteCarloElbo}) on that particle's noise: a second decoder pass of one particle
 * when K &gt; 1.
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
    public void estimate(Dataset data, int from, int to, long seed, ExampleTerms out) {
        int features = data.features();
        int latent = model.config().latent();
        try (NDManager scope = manager.newSubManager()) {
            NDArray x = upload.upload(
                    scope, data.values(), from * features, (to - from) * features, new Shape(to - from, features));
            VaeNetwork network = OneHotConditions.bind(model, scope, data, from, to, upload);
            NDArray noise = upload.upload(
                    scope, GaussianNoise.perExample(k, from, to, latent, seed), new Shape(k, to - from, latent));
            DiagonalNormal posterior = network.encode(x);
            ElboTerms particles = estimator.estimate(posterior, network.prior(), network, x, noise);
            copy(particles.elbo(), out.bound(), from);
            if (!out.detailed()) {
                return;
            }
            boolean normalPrior = model.config().prior() == LatentPrior.NORMAL;
            ElboTerms first = k == 1
                    ? particles
                    : (normalPrior ? new AnalyticKlElbo(1) : new MonteCarloElbo(1))
                            .estimate(posterior, network.prior(), network, x, noise.get(new NDIndex("0:1")));
            copy(first.reconstruction(), out.firstReconstruction(), from);
            copy(particles.reconstruction(), out.meanReconstruction(), from);
            float[] perDimension;
            if (normalPrior) {
                NDArray klPerDimension = KlDivergence.perDimension(posterior);
                NDArray kl = klPerDimension.sum(new int[] {1});
                copy(kl, out.firstKl(), from);
                copy(kl, out.meanKl(), from);
                perDimension = klPerDimension.toFloatArray();
            } else {
                copy(first.kl(), out.firstKl(), from);
                copy(particles.kl(), out.meanKl(), from);
                perDimension = new float[(to - from) * latent];
                Arrays.fill(perDimension, Float.NaN);
            }
            System.arraycopy(perDimension, 0, out.klPerDimension(), from * latent, perDimension.length);
            float[] means = posterior.loc().toFloatArray();
            System.arraycopy(means, 0, out.posteriorMean(), from * latent, means.length);
        }
    }

    /** Per-example values of {@code values} into {@code target} from index {@code from}. */
    private static void copy(NDArray values, double[] target, int from) {
        float[] v = values.toFloatArray();
        for (int i = 0; i < v.length; i++) {
            target[from + i] = v[i];
        }
    }
}
