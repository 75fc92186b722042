package io.github.elbo4j.vae;

import java.util.Locale;

/**
 * What the trainer maximizes, composed from four parts. With t the step, a(t) the
 * {@link KlSchedule} factor and w(t) = β·a(t) the effective KL weight:
 *
 * <ul>
 *   <li>{@link Kind#ELBO}: L(x) = E_q[log p(x|z)] − w(t)·K(x), one reparameterized sample, where
 *       K is the analytic KL(q(z|x) ‖ N(0, I)), or with free bits λ &gt; 0 the batch's
 *       Σ_j max(λ, mean_batch KL_j) (Kingma et al. 2016, "Improved Variational Inference with
 *       Inverse Autoregressive Flow", §C.8): dimensions whose average KL is below λ are not pushed
 *       further towards the prior. β &gt; 1 is the β-VAE of Higgins et al. 2017.
 *   <li>{@link Kind#IWAE}: L(x) = log (1/K) Σ_k p(x|z_k)·(p(z_k)/q(z_k|x))^{w(t)}, z_k ~ q(z|x),
 *       the importance-weighted bound of Burda et al. 2015 (exactly it when w = 1), computed with a
 *       stable log-sum-exp over K batched samples. Free bits, defined on the analytic KL, do not
 *       apply to it. Its encoder gradient is either the plain reparameterized one or the
 *       doubly-reparameterized one ({@link GradientEstimator#DOUBLY_REPARAMETERIZED}).
 * </ul>
 *
 * <p>Whatever the objective, the {@code elbo} the trainer reports (metrics.jsonl, train output) is
 * the plain ELBO with β = 1 and no free bits, so that runs stay comparable.
 *
 * @param kind ELBO or IWAE
 * @param iwaeK importance samples K of the IWAE objective (1 for ELBO)
 * @param beta β, the weight of the KL term (≥ 0)
 * @param schedule KL annealing factor a(t)
 * @param freeBits λ, the per-dimension KL floor in nats (0 for none)
 * @param gradient how the IWAE objective's gradient is estimated
 */
public record TrainingObjective(
        Kind kind, int iwaeK, double beta, KlSchedule schedule, double freeBits, GradientEstimator gradient) {

    /**
     * The gradient estimator of the IWAE objective with respect to the encoder's parameters φ, with
     * normalized weights w̃_k = w_k / Σ_j w_j.
     */
    public enum GradientEstimator {
        /**
         * Differentiate the bound through z_k = μ + σ ⊙ ε_k and through the density of q: the
         * standard IWAE gradient (Burda et al. 2015), whose signal-to-noise ratio for φ falls as K
         * grows (Rainforth et al. 2018).
         */
        REPARAMETERIZED,
        /**
         * The doubly-reparameterized gradient of Tucker et al. 2018 ("Doubly Reparameterized
         * Gradient Estimators for Monte Carlo Objectives"): ∇_φ = Σ_k w̃_k² ∂log w_k/∂z_k ∂z_k/∂φ
         * with q's density held fixed, unbiased for the same gradient and without the score term;
         * the decoder's gradient Σ_k w̃_k ∇_θ log w_k is unchanged. Needs a KL weight of 1.
         */
        DOUBLY_REPARAMETERIZED;

        /** {@code standard} or {@code dreg}, as on the command line. */
        public String id() {
            return this == REPARAMETERIZED ? "standard" : "dreg";
        }

        /** Parses {@code standard} or {@code dreg}. */
        public static GradientEstimator parse(String name) {
            for (GradientEstimator g : values()) {
                if (g.id().equals(name)) {
                    return g;
                }
            }
            throw new IllegalArgumentException("--iwae-gradient must be standard or dreg, got '" + name + "'");
        }
    }

    /** The objective families. */
    public enum Kind {
        /** The (β-weighted, annealed, free-bits) single-sample ELBO with analytic KL. */
        ELBO,
        /** The importance-weighted bound with K samples. */
        IWAE;

        /** Lower-case name as used on the command line and in config.json. */
        public String id() {
            return name().toLowerCase(Locale.ROOT);
        }

        /** Parses {@code elbo} or {@code iwae}. */
        public static Kind parse(String name) {
            for (Kind k : values()) {
                if (k.id().equals(name == null ? "" : name.strip().toLowerCase(Locale.ROOT))) {
                    return k;
                }
            }
            throw new IllegalArgumentException("--objective must be elbo or iwae, got '" + name + "'");
        }
    }

    /** Largest K the IWAE objective accepts (the batch's decoder rows grow as K·B). */
    public static final int MAX_IWAE_K = 5000;

    /** The plain ELBO: β = 1, no annealing, no free bits. */
    public static final TrainingObjective ELBO =
            new TrainingObjective(Kind.ELBO, 1, 1.0, KlSchedule.CONSTANT, 0.0, GradientEstimator.REPARAMETERIZED);

    /** Validates with messages that name the command-line option to change. */
    public TrainingObjective {
        if (kind == null || schedule == null || gradient == null) {
            throw new IllegalArgumentException("an objective needs a kind, a KL schedule and a gradient estimator");
        }
        if (!(beta >= 0) || Double.isInfinite(beta)) {
            throw new IllegalArgumentException("--beta must be a finite number ≥ 0 (1 is the plain ELBO), got " + beta);
        }
        if (!(freeBits >= 0) || Double.isInfinite(freeBits)) {
            throw new IllegalArgumentException("--free-bits must be a finite number of nats ≥ 0 per latent dimension"
                    + " (0 turns it off), got " + freeBits);
        }
        if (kind == Kind.ELBO && iwaeK != 1) {
            throw new IllegalArgumentException("--iwae-k needs --objective iwae, got --iwae-k " + iwaeK
                    + " with --objective elbo");
        }
        if (kind == Kind.IWAE && (iwaeK < 1 || iwaeK > MAX_IWAE_K)) {
            throw new IllegalArgumentException("--iwae-k must be between 1 and " + MAX_IWAE_K + ", got " + iwaeK);
        }
        if (kind == Kind.IWAE && freeBits > 0) {
            throw new IllegalArgumentException("--free-bits applies to the analytic KL of --objective elbo;"
                    + " drop it or use --objective elbo");
        }
        if (gradient == GradientEstimator.DOUBLY_REPARAMETERIZED && kind != Kind.IWAE) {
            throw new IllegalArgumentException("--iwae-gradient dreg needs --objective iwae");
        }
        if (gradient == GradientEstimator.DOUBLY_REPARAMETERIZED && (beta != 1.0 || schedule.kind() != KlSchedule.Kind.CONSTANT)) {
            throw new IllegalArgumentException("--iwae-gradient dreg estimates the gradient of the plain IWAE bound;"
                    + " drop --beta and --kl-schedule or use --iwae-gradient standard");
        }
    }

    /** The β-VAE objective (ELBO kind) with the given β, no annealing and no free bits. */
    public static TrainingObjective beta(double beta) {
        return new TrainingObjective(Kind.ELBO, 1, beta, KlSchedule.CONSTANT, 0.0, GradientEstimator.REPARAMETERIZED);
    }

    /** A copy with another KL schedule. */
    public TrainingObjective withSchedule(KlSchedule s) {
        return new TrainingObjective(kind, iwaeK, beta, s, freeBits, gradient);
    }

    /** A copy with another free-bits floor λ. */
    public TrainingObjective withFreeBits(double lambda) {
        return new TrainingObjective(kind, iwaeK, beta, schedule, lambda, gradient);
    }

    /** The IWAE objective with K samples, β = 1 and no annealing. */
    public static TrainingObjective iwae(int k) {
        return new TrainingObjective(Kind.IWAE, k, 1.0, KlSchedule.CONSTANT, 0.0, GradientEstimator.REPARAMETERIZED);
    }

    /** A copy with another IWAE gradient estimator. */
    public TrainingObjective withGradient(GradientEstimator g) {
        return new TrainingObjective(kind, iwaeK, beta, schedule, freeBits, g);
    }

    /** Samples per example each training step draws: K for IWAE, 1 for the ELBO. */
    public int particles() {
        return kind == Kind.IWAE ? iwaeK : 1;
    }

    /** The effective KL weight w(t) = β·a(t) at 0-based step {@code step}. */
    public double klWeight(long step, int stepsPerEpoch) {
        return beta * schedule.factor(step, stepsPerEpoch);
    }

    /**
     * A one-line description that determines the objective, e.g.
     * {@code elbo beta=4.0 kl_schedule=linear:10 free_bits=0.0}; stored in checkpoints so that a
     * resume with another objective is caught.
     */
    public String describe() {
        return kind.id() + (kind == Kind.IWAE ? " k=" + iwaeK : "")
                + (gradient == GradientEstimator.DOUBLY_REPARAMETERIZED ? " gradient=dreg" : "") + " beta=" + beta
                + " kl_schedule=" + schedule + " free_bits=" + freeBits;
    }
}
