package io.github.elbo4j.vae.model;

import io.github.elbo4j.data.SettingException;
import java.util.Arrays;

/**
 * Architecture of an MLP VAE: q(z|x) = N(μ(x), diag σ²(x)) with an encoder that outputs μ and
 * log σ², a standard-normal prior, and a decoder whose output parameterizes p(x|z).
 *
 * @param inputShape shape of one example, e.g. {@code [28, 28]}; flattened for the MLP
 * @param hidden hidden-layer widths of the encoder; the decoder mirrors them in reverse
 * @param latent latent dimension d
 * @param activation hidden nonlinearity
 * @param likelihood observation model
 * @param gaussianScale σ of the fixed-scale Gaussian likelihood (ignored for Bernoulli)
 * @param conditions number of condition classes C of a conditional VAE (Sohn et al. 2015,
 *     "Learning Structured Output Representation using Deep Conditional Generative Models"): a
 *     one-hot class vector c is appended to the encoder's input (for the conv architecture, to
 *     its flattened feature maps), q(z|x, c), and to the decoder's, p(x|z, c), with the prior
 *     N(0, I); 0 for an unconditional VAE
 * @param prior p(z): N(0, I) or the VampPrior
 * @param pseudoInputs number N of VampPrior pseudo-inputs (0 for the normal prior)
 * @param architecture MLP or convolutional encoder and decoder
 * @param channels channels of the convolutional layers, first to last (empty for the MLP)
 * @param tabular the column groups of a {@link Likelihood#TABULAR} or {@link Likelihood#CATEGORICAL}
 *     model (null for every other likelihood)
 */
public record VaeConfig(
        int[] inputShape,
        int[] hidden,
        int latent,
        Activation activation,
        Likelihood likelihood,
        double gaussianScale,
        int conditions,
        LatentPrior prior,
        int pseudoInputs,
        Architecture architecture,
        int[] channels,
        TabularLayout tabular) {

    /** Validates and defensively copies. */
    public VaeConfig {
        inputShape = inputShape.clone();
        hidden = hidden.clone();
        channels = channels.clone();
    }

    /** Number of input features (product of {@link #inputShape()}). */
    public int inputSize() {
        int n = 1;
        for (int d : inputShape) {
            n *= d;
        }
        return n;
    }

    /**
     * Number of learned log σ values ({@code decoder.log_scale}): 1 or the features for the learned
     * Gaussians, the numeric columns for the tabular likelihood, else 0.
     */
    public int learnedScales() {
        return likelihood == Likelihood.TABULAR ? tabular.numeric() : likelihood.learnedScales(inputSize());
    }

    /** Whether the model is conditioned on a class ({@link #conditions()} &gt; 0). */
    public boolean conditional() {
        return conditions > 0;
    }

    @Override
    public int[] channels() {
        return channels.clone();
    }

    /** Image channels C of a convolutional model: the third dimension of [H, W, C], else 1. */
    public int imageChannels() {
        return inputShape.length == 3 ? inputShape[2] : 1;
    }

    /** The spatial size [H_L, W_L] after the last convolution of a convolutional model. */
    public int[] convolvedSize() {
        int h = inputShape[0];
        int w = inputShape[1];
        for (int i = 0; i < channels.length; i++) {
            h = Architecture.convolved(h);
            w = Architecture.convolved(w);
        }
        return new int[] {h, w};
    }

    /**
     * The activation memory of one decoded row relative to an MLP row, for the evaluator's memory
     * budget: 1 for the MLP; for the convolutional decoder, the floats its transposed convolutions
     * hold per row over 2,000, counted generously as each layer's input and four copies of its
     * four output phases (the sub-pixel convolution's output, its interleaved copy, the activation
     * and the gradient or the next layer's input).
     */
    public int decoderRowCost() {
        if (architecture == Architecture.MLP) {
            return 1;
        }
        int[][] sizes = new int[channels.length + 1][];
        sizes[0] = new int[] {inputShape[0], inputShape[1]};
        for (int i = 0; i < channels.length; i++) {
            sizes[i + 1] = new int[] {Architecture.convolved(sizes[i][0]), Architecture.convolved(sizes[i][1])};
        }
        long floats = 0;
        for (int i = 0; i < channels.length; i++) {
            // Transposed convolution i maps channels[i] maps of size s_{i+1} to those of layer i − 1 (or the image).
            long outChannels = i > 0 ? channels[i - 1] : imageChannels();
            long positions = (sizes[i + 1][0] + 1L) * (sizes[i + 1][1] + 1L);
            floats += (long) channels[i] * sizes[i + 1][0] * sizes[i + 1][1] + 4L * 4L * outChannels * positions;
        }
        return (int) Math.max(1, Math.min(Integer.MAX_VALUE, (floats + 1999) / 2000));
    }

    /** Features entering the fully connected part: the input size (MLP) or C_L·H_L·W_L (conv). */
    public int denseInputSize() {
        if (architecture == Architecture.MLP) {
            return inputSize();
        }
        int[] size = convolvedSize();
        return channels[channels.length - 1] * size[0] * size[1];
    }

    @Override
    public int[] inputShape() {
        return inputShape.clone();
    }

    @Override
    public int[] hidden() {
        return hidden.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof VaeConfig c
                && Arrays.equals(inputShape, c.inputShape)
                && Arrays.equals(hidden, c.hidden)
                && latent == c.latent
                && activation == c.activation
                && likelihood == c.likelihood
                && Double.compare(gaussianScale, c.gaussianScale) == 0
                && conditions == c.conditions
                && prior == c.prior
                && pseudoInputs == c.pseudoInputs
                && architecture == c.architecture
                && Arrays.equals(channels, c.channels)
                && java.util.Objects.equals(tabular, c.tabular);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(inputShape) * 31 + Arrays.hashCode(hidden) * 17 + latent * 7 + conditions;
    }

    @Override
    public String toString() {
        return "VaeConfig[input=" + Arrays.toString(inputShape) + ", hidden="
                + Arrays.toString(hidden) + ", latent=" + latent + ", activation="
                + activation.id() + ", likelihood=" + likelihood.id()
                + (conditions > 0 ? ", conditions=" + conditions : "")
                + (prior == LatentPrior.VAMP ? ", prior=vamp(" + pseudoInputs + ")" : "")
                + (architecture == Architecture.CONV ? ", conv=" + Arrays.toString(channels) : "")
                + (tabular != null ? ", columns=[" + tabular + "]" : "") + "]";
    }

    /** A builder with the defaults of the standard model (200-200 tanh, 50 latents, Bernoulli). */
    public static Builder builder() {
        return new Builder();
    }

    /** Builder for {@link VaeConfig}; {@link #build()} validates. */
    public static final class Builder {
        private int[] inputShape = {28, 28};
        private int[] hidden = {200, 200};
        private int latent = 50;
        private Activation activation = Activation.TANH;
        private Likelihood likelihood = Likelihood.BERNOULLI;
        private double gaussianScale = 0.1;
        private int conditions;
        private LatentPrior prior = LatentPrior.NORMAL;
        private int pseudoInputs;
        private Architecture architecture = Architecture.MLP;
        private int[] channels = {};
        private TabularLayout tabular;

        /** Sets {@link VaeConfig#inputShape()}: the shape of one example (default [28, 28]; every dimension at least 1). */
        public Builder inputShape(int... shape) {
            this.inputShape = shape.clone();
            return this;
        }

        /** Sets {@link VaeConfig#hidden()}: the encoder's hidden-layer widths, mirrored by the decoder (default 200, 200; each at least 1). */
        public Builder hidden(int... widths) {
            this.hidden = widths.clone();
            return this;
        }

        /** Sets {@link VaeConfig#latent()}: the latent dimension d (default 50, at least 1). */
        public Builder latent(int dimension) {
            this.latent = dimension;
            return this;
        }

        /** Sets {@link VaeConfig#activation()}: the hidden nonlinearity (default {@link Activation#TANH}). */
        public Builder activation(Activation a) {
            this.activation = a;
            return this;
        }

        /** Sets {@link VaeConfig#likelihood()}: the observation model p(x|z) (default {@link Likelihood#BERNOULLI}). */
        public Builder likelihood(Likelihood l) {
            this.likelihood = l;
            return this;
        }

        /** Sets {@link VaeConfig#gaussianScale()}: σ in the data's units, fixed for {@link Likelihood#GAUSSIAN} and the starting σ of the learned ones (default 0.1, positive; unused by Bernoulli). */
        public Builder gaussianScale(double sigma) {
            this.gaussianScale = sigma;
            return this;
        }

        /** Number of condition classes of a conditional VAE (0: unconditional). */
        public Builder conditions(int classes) {
            this.conditions = classes;
            return this;
        }

        /** A convolutional encoder and decoder with these channels per convolution, e.g. 32, 64. */
        public Builder conv(int... channelsPerLayer) {
            this.architecture = Architecture.CONV;
            this.channels = channelsPerLayer.clone();
            return this;
        }

        /** The architecture; {@code channelsPerLayer} applies to {@link Architecture#CONV} only. */
        public Builder architecture(Architecture a, int... channelsPerLayer) {
            this.architecture = a;
            this.channels = a == Architecture.CONV ? channelsPerLayer.clone() : new int[0];
            return this;
        }

        /** The VampPrior with {@code n} pseudo-inputs. */
        public Builder vampPrior(int n) {
            this.prior = LatentPrior.VAMP;
            this.pseudoInputs = n;
            return this;
        }

        /** The prior, with {@code n} pseudo-inputs for the VampPrior (ignored for the normal prior). */
        public Builder prior(LatentPrior p, int n) {
            this.prior = p;
            this.pseudoInputs = p == LatentPrior.VAMP ? n : 0;
            return this;
        }

        /** The column groups of a tabular or categorical likelihood. */
        public Builder tabular(TabularLayout layout) {
            this.tabular = layout;
            return this;
        }

        /** Validates every field with a message that names the setting and says what to set instead. */
        public VaeConfig build() {
            if (inputShape.length == 0 || Arrays.stream(inputShape).anyMatch(d -> d < 1)) {
                throw new IllegalArgumentException(
                        "input shape must have positive dimensions, got " + Arrays.toString(inputShape));
            }
            if (Arrays.stream(hidden).anyMatch(d -> d < 1)) {
                throw new SettingException(
                        "hidden widths must be positive integers such as [200, 200], got " + Arrays.toString(hidden),
                        "hidden");
            }
            if (latent < 1) {
                throw new SettingException("latent must be at least 1 (the latent dimension), got " + latent, "latent");
            }
            if (activation == null || likelihood == null) {
                throw new IllegalArgumentException("activation and likelihood are required");
            }
            if (!(gaussianScale > 0) || Double.isInfinite(gaussianScale)) {
                throw new SettingException(
                        "gaussianScale must be a positive number, got " + gaussianScale, "gaussianScale");
            }
            if (conditions < 0) {
                throw new IllegalArgumentException(
                        "the number of condition classes must be ≥ 0 (0: unconditional), got " + conditions);
            }
            if (prior == null) {
                throw new SettingException("prior is required (normal or vamp)", "prior");
            }
            if (prior == LatentPrior.VAMP && pseudoInputs < 1) {
                throw new SettingException(
                        "pseudoInputs must be at least 1 for prior vamp, got " + pseudoInputs, "pseudoInputs", "prior");
            }
            if (prior == LatentPrior.VAMP && conditions > 0) {
                throw new SettingException(
                        "prior vamp cannot be combined with conditions: the pseudo-inputs"
                                + " would need them too; use prior normal for a conditional VAE",
                        "prior",
                        "conditions");
            }
            if (architecture == null) {
                throw new SettingException("an architecture is required (architecture mlp or conv)", "architecture");
            }
            if (architecture == Architecture.CONV) {
                checkConv();
            }
            checkTabular();
            return new VaeConfig(
                    inputShape,
                    hidden,
                    latent,
                    activation,
                    likelihood,
                    gaussianScale,
                    conditions,
                    prior,
                    prior == LatentPrior.VAMP ? pseudoInputs : 0,
                    architecture,
                    architecture == Architecture.CONV ? channels : new int[0],
                    likelihood.tabular() ? tabular : null);
        }

        private void checkTabular() {
            if (!likelihood.tabular()) {
                return;
            }
            String name = "likelihood " + likelihood.id();
            if (tabular == null) {
                throw new SettingException(
                        name + " needs the column layout of a table (train it on a CSV file)", "likelihood");
            }
            if (likelihood == Likelihood.CATEGORICAL && tabular.numeric() + tabular.binary() > 0) {
                throw new SettingException(
                        name + " needs every column categorical, got " + tabular
                                + "; use likelihood tabular for numeric and binary columns",
                        "likelihood");
            }
            if (inputShape.length != 1 || inputShape[0] != tabular.features()) {
                throw new SettingException(
                        name + ": the column layout (" + tabular + ") has " + tabular.features()
                                + " features but the records have shape " + Arrays.toString(inputShape),
                        "likelihood");
            }
            if (architecture != Architecture.MLP) {
                throw new SettingException(name + " works with architecture mlp only", "likelihood", "architecture");
            }
            if (prior == LatentPrior.VAMP) {
                throw new SettingException(
                        name + " cannot be combined with prior vamp (its pseudo-inputs are"
                                + " clamped to [0, 1], standardized columns are not); use prior normal",
                        "likelihood",
                        "prior");
            }
        }

        private void checkConv() {
            if (channels.length == 0 || Arrays.stream(channels).anyMatch(c -> c < 1)) {
                throw new SettingException(
                        "channels must be positive integers such as [32, 64] for" + " architecture conv, got "
                                + Arrays.toString(channels),
                        "channels",
                        "architecture");
            }
            if (inputShape.length != 2 && inputShape.length != 3) {
                throw new SettingException(
                        "architecture conv needs images of shape [H, W] or [H, W, C], got "
                                + Arrays.toString(inputShape) + "; use architecture mlp for other data",
                        "architecture");
            }
            int h = inputShape[0];
            int w = inputShape[1];
            for (int i = 0; i < channels.length; i++) {
                h = Architecture.convolved(h);
                w = Architecture.convolved(w);
                if (h < 1 || w < 1) {
                    throw new SettingException(
                            "channels " + Arrays.toString(channels) + ": " + channels.length
                                    + " stride-2 convolutions shrink " + inputShape[0] + "×" + inputShape[1]
                                    + " images below 1 pixel; use fewer convolution layers",
                            "channels");
                }
            }
        }
    }
}
