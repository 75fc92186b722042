package io.github.elbo4j.vae;

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
 *     one-hot class vector c is appended to the encoder's input, q(z|x, c), and to the decoder's,
 *     p(x|z, c), with the prior N(0, I); 0 for an unconditional VAE
 * @param prior p(z): N(0, I) or the VampPrior
 * @param pseudoInputs number N of VampPrior pseudo-inputs (0 for the normal prior)
 */
public record VaeConfig(
        int[] inputShape,
        int[] hidden,
        int latent,
        Activation activation,
        Likelihood likelihood,
        double gaussianScale,
        int conditions,
        Prior prior,
        int pseudoInputs) {

    /** Validates and defensively copies. */
    public VaeConfig {
        inputShape = inputShape.clone();
        hidden = hidden.clone();
    }

    /** Number of input features (product of {@link #inputShape()}). */
    public int inputSize() {
        int n = 1;
        for (int d : inputShape) {
            n *= d;
        }
        return n;
    }

    /** Whether the model is conditioned on a class ({@link #conditions()} &gt; 0). */
    public boolean conditional() {
        return conditions > 0;
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
                && pseudoInputs == c.pseudoInputs;
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
                + (prior == Prior.VAMP ? ", prior=vamp(" + pseudoInputs + ")" : "") + "]";
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
        private Prior prior = Prior.NORMAL;
        private int pseudoInputs;

        public Builder inputShape(int... shape) {
            this.inputShape = shape.clone();
            return this;
        }

        public Builder hidden(int... widths) {
            this.hidden = widths.clone();
            return this;
        }

        public Builder latent(int dimension) {
            this.latent = dimension;
            return this;
        }

        public Builder activation(Activation a) {
            this.activation = a;
            return this;
        }

        public Builder likelihood(Likelihood l) {
            this.likelihood = l;
            return this;
        }

        public Builder gaussianScale(double sigma) {
            this.gaussianScale = sigma;
            return this;
        }

        /** Number of condition classes of a conditional VAE (0: unconditional). */
        public Builder conditions(int classes) {
            this.conditions = classes;
            return this;
        }

        /** The VampPrior with {@code n} pseudo-inputs. */
        public Builder vampPrior(int n) {
            this.prior = Prior.VAMP;
            this.pseudoInputs = n;
            return this;
        }

        /** The prior, with {@code n} pseudo-inputs for the VampPrior (ignored for the normal prior). */
        public Builder prior(Prior p, int n) {
            this.prior = p;
            this.pseudoInputs = p == Prior.VAMP ? n : 0;
            return this;
        }

        /** Validates every field with a message that says what to pass instead. */
        public VaeConfig build() {
            if (inputShape.length == 0 || Arrays.stream(inputShape).anyMatch(d -> d < 1)) {
                throw new IllegalArgumentException(
                        "input shape must have positive dimensions, got " + Arrays.toString(inputShape));
            }
            if (Arrays.stream(hidden).anyMatch(d -> d < 1)) {
                throw new IllegalArgumentException(
                        "--hidden widths must be positive integers such as 200,200, got "
                                + Arrays.toString(hidden));
            }
            if (latent < 1) {
                throw new IllegalArgumentException(
                        "--latent must be at least 1 (the latent dimension), got " + latent);
            }
            if (activation == null || likelihood == null) {
                throw new IllegalArgumentException("activation and likelihood are required");
            }
            if (!(gaussianScale > 0) || Double.isInfinite(gaussianScale)) {
                throw new IllegalArgumentException(
                        "--gaussian-scale must be a positive number, got " + gaussianScale);
            }
            if (conditions < 0) {
                throw new IllegalArgumentException("the number of condition classes must be ≥ 0 (0: unconditional), got "
                        + conditions);
            }
            if (prior == null) {
                throw new IllegalArgumentException("a prior is required (--prior normal or vamp)");
            }
            if (prior == Prior.VAMP && pseudoInputs < 1) {
                throw new IllegalArgumentException("--pseudo-inputs must be at least 1 for --prior vamp, got " + pseudoInputs);
            }
            if (prior == Prior.VAMP && conditions > 0) {
                throw new IllegalArgumentException("--prior vamp cannot be combined with --condition: the pseudo-inputs"
                        + " would need conditions too; use --prior normal for a conditional VAE");
            }
            return new VaeConfig(inputShape, hidden, latent, activation, likelihood, gaussianScale, conditions,
                    prior, prior == Prior.VAMP ? pseudoInputs : 0);
        }
    }
}
