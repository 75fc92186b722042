package io.github.elbo4j.vae.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import io.github.elbo4j.math.TensorUpload;
import io.github.elbo4j.vae.train.TrainingConfig;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * The weights of an MLP VAE, packed into one flat parameter vector.
 *
 * <p>Weight names and layouts follow docs/ARCHITECTURE.md, "Weight names" ({@code [out, in]} like PyTorch
 * {@code Linear}):
 * {@code encoder.hidden.{i}.weight|bias}, {@code encoder.loc.weight|bias},
 * {@code encoder.log_var.weight|bias} (the encoder outputs log σ²),
 * {@code decoder.hidden.{i}.weight|bias}, {@code decoder.out.weight|bias}, and for a learned
 * Gaussian scale {@code decoder.log_scale} (log σ, shape [1] or [features]; [numeric columns] for the
 * tabular likelihood), for the VampPrior
 * {@code prior.pseudo_inputs} ([N, features]).
 */
public final class VaeModel implements AutoCloseable {

    private static final NDIndex EVERYTHING = new NDIndex(":");
    /** Name of the learned log σ of a Gaussian decoder. */
    static final String LOG_SCALE = "decoder.log_scale";
    /** Name of the VampPrior's pseudo-inputs, [N, features]; the fused step reads them by it. */
    public static final String PSEUDO_INPUTS = "prior.pseudo_inputs";

    private final VaeConfig config;
    private final ParameterLayout layout;
    private final NDManager manager;
    /**
     * The parameter values; the trainer's optimizer updates them in place. {@link #parameters}
     * holds a copy in the engine, refreshed on first use after a change.
     */
    private final float[] values;

    private final NDArray parameters;
    private boolean uploaded;

    private VaeModel(VaeConfig config, NDManager parent, float[] values) {
        this.config = config;
        this.layout = layoutOf(config);
        this.manager = parent.newSubManager();
        this.values = values.clone();
        this.parameters = new TensorUpload().upload(manager, values, new Shape(values.length));
        this.uploaded = true;
    }

    /** The packing order and shapes of a configuration's weights. */
    public static ParameterLayout layoutOf(VaeConfig config) {
        ParameterLayout.Builder b = ParameterLayout.builder();
        int[] hidden = config.hidden();
        boolean conv = config.architecture() == Architecture.CONV;
        int[] channels = config.channels();
        int k = Architecture.KERNEL;
        int previous = config.imageChannels();
        for (int i = 0; i < channels.length; i++) {
            b.add("encoder.conv." + i + ".weight", channels[i], previous, k, k)
                    .add("encoder.conv." + i + ".bias", channels[i]);
            previous = channels[i];
        }
        // A conditional model reads the one-hot condition after x in the encoder and after z in the decoder.
        int in = config.denseInputSize() + config.conditions();
        for (int i = 0; i < hidden.length; i++) {
            b.add("encoder.hidden." + i + ".weight", hidden[i], in).add("encoder.hidden." + i + ".bias", hidden[i]);
            in = hidden[i];
        }
        b.add("encoder.loc.weight", config.latent(), in).add("encoder.loc.bias", config.latent());
        b.add("encoder.log_var.weight", config.latent(), in).add("encoder.log_var.bias", config.latent());
        in = config.latent() + config.conditions();
        for (int i = 0; i < hidden.length; i++) {
            int out = hidden[hidden.length - 1 - i];
            b.add("decoder.hidden." + i + ".weight", out, in).add("decoder.hidden." + i + ".bias", out);
            in = out;
        }
        if (conv) {
            int projected = config.denseInputSize();
            b.add("decoder.project.weight", projected, in).add("decoder.project.bias", projected);
            for (int i = channels.length - 1, j = 0; i > 0; i--, j++) {
                b.add("decoder.deconv." + j + ".weight", channels[i], channels[i - 1], k, k)
                        .add("decoder.deconv." + j + ".bias", channels[i - 1]);
            }
            b.add("decoder.out.weight", channels[0], config.imageChannels(), k, k)
                    .add("decoder.out.bias", config.imageChannels());
        } else {
            b.add("decoder.out.weight", config.inputSize(), in).add("decoder.out.bias", config.inputSize());
        }
        int scales = config.learnedScales();
        if (scales > 0) {
            b.add(LOG_SCALE, scales);
        }
        if (config.prior() == LatentPrior.VAMP) {
            b.add(PSEUDO_INPUTS, config.pseudoInputs(), config.inputSize());
        }
        return b.build();
    }

    /**
     * A freshly initialized model, with PyTorch's default {@code Linear} initialization: weights
     * and biases uniform on (−1/√fan_in, 1/√fan_in), drawn from {@code seed}.
     */
    public static VaeModel initialize(VaeConfig config, NDManager parent, long seed) {
        ParameterLayout layout = layoutOf(config);
        float[] values = new float[(int) layout.totalSize()];
        SplittableRandom random = new SplittableRandom(seed);
        long fanIn = 0;
        for (ParameterLayout.Entry e : layout.entries()) {
            if (e.shape().length >= 2) {
                // PyTorch's fan-in: all but the first dimension ([out, in] and [out, in, kh, kw]; for
                // ConvTranspose2d's [in, out, kh, kw] that is out·kh·kw, as PyTorch computes it too).
                fanIn = 1;
                for (int d = 1; d < e.shape().length; d++) {
                    fanIn *= e.shape()[d];
                }
            }
            double bound = 1.0 / Math.sqrt(fanIn);
            for (long i = e.offset(); i < e.offset() + e.size(); i++) {
                // A learned scale starts at the configured σ (and draws nothing, so the other
                // weights stay those of the fixed-σ model with the same seed).
                values[(int) i] = switch (e.name()) {
                    case LOG_SCALE -> (float) Math.log(config.gaussianScale());
                    // Pseudo-inputs start as uniform noise in [0, 1], the range they are clamped to.
                    case PSEUDO_INPUTS -> (float) random.nextDouble();
                    default -> (float) random.nextDouble(-bound, bound);
                };
            }
        }
        return new VaeModel(config, parent, values);
    }

    /** A model with the given named weights, validated against the configuration's layout. */
    public static VaeModel fromWeights(VaeConfig config, Map<String, Tensor> weights, NDManager parent, String source) {
        return new VaeModel(config, parent, layoutOf(config).pack(weights, source));
    }

    /** A model with the given flat parameter values (in layout order). */
    public static VaeModel fromParameters(VaeConfig config, float[] values, NDManager parent) {
        if (values.length != layoutOf(config).totalSize()) {
            throw new IllegalArgumentException(
                    "expected " + layoutOf(config).totalSize() + " parameters, got " + values.length);
        }
        return new VaeModel(config, parent, values);
    }

    /**
     * Sets the VampPrior's pseudo-inputs to records of {@code data} drawn without replacement
     * (with replacement when it has fewer records than pseudo-inputs) from {@code seed}, so that the
     * mixture components start where the data posteriors are (the data initialization of Tomczak &amp;
     * Welling's reference code). This alone does not keep the standard MLP from collapsing onto
     * the VampPrior; the trainer's N(0, I) warm-up does ({@link TrainingConfig#priorWarmupEpochs()}).
     */
    public void initializePseudoInputs(io.github.elbo4j.data.Dataset data, long seed) {
        if (config.prior() != LatentPrior.VAMP) {
            throw new IllegalArgumentException("the model has no pseudo-inputs (its prior is normal)");
        }
        if (data.features() != config.inputSize() || data.rows() == 0) {
            throw new IllegalArgumentException("pseudo-inputs need records of " + config.inputSize() + " features");
        }
        ParameterLayout.Entry entry = layout.entries().stream()
                .filter(e -> e.name().equals(PSEUDO_INPUTS))
                .findFirst()
                .orElseThrow();
        float[] values = parameterValues();
        int features = config.inputSize();
        int[] order = io.github.elbo4j.data.Batching.permutation(data.rows(), seed, 0);
        for (int n = 0; n < config.pseudoInputs(); n++) {
            int row = order[n % order.length];
            System.arraycopy(data.values(), row * features, values, (int) entry.offset() + n * features, features);
        }
        setParameterValues(values);
    }

    /** The architecture. */
    public VaeConfig config() {
        return config;
    }

    /** The packing of the weights in {@link #parameters()}. */
    public ParameterLayout layout() {
        return layout;
    }

    /**
     * The flat parameter vector in the engine; the same tensor for the model's whole life, so
     * views and aliases of it see every later change.
     */
    public synchronized NDArray parameters() {
        if (!uploaded) {
            try (NDManager scope = manager.newSubManager()) {
                parameters.set(EVERYTHING, new TensorUpload().upload(scope, values, parameters.getShape()));
            }
            uploaded = true;
        }
        return parameters;
    }

    /** A copy of the flat parameter values. */
    public synchronized float[] parameterValues() {
        return values.clone();
    }

    /** Overwrites the parameter values, e.g. when restoring a checkpoint. */
    public synchronized void setParameterValues(float[] newValues) {
        if (newValues.length != layout.totalSize()) {
            throw new IllegalArgumentException(
                    "expected " + layout.totalSize() + " parameters, got " + newValues.length);
        }
        System.arraycopy(newValues, 0, values, 0, values.length);
        uploaded = false;
    }

    /**
     * The live parameter values, for an optimizer that updates them in place; it must call
     * {@link #valuesChanged()} after each update.
     */
    public float[] liveValues() {
        return values;
    }

    /** Marks the live values as changed, so that the engine's copy is refreshed on next use. */
    public synchronized void valuesChanged() {
        uploaded = false;
    }

    /** The weights by name, in layout order. */
    public Map<String, Tensor> namedWeights() {
        return layout.unpack(parameterValues());
    }

    /** Binds the weights to a computation scope; the network's temporaries belong to it. */
    public VaeNetwork bind(NDManager scope) {
        return bind(scope, parameters());
    }

    /**
     * Binds a flat vector laid out like this model's parameters (e.g. a replica that accumulates
     * its own gradient) to a computation scope.
     */
    public VaeNetwork bind(NDManager scope, NDArray flatParameters) {
        return new VaeNetwork(config, layout.named(flatParameters, scope), scope);
    }

    @Override
    public void close() {
        manager.close();
    }
}
