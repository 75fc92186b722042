package io.github.elbo4j.vae.objective;

import io.github.elbo4j.data.SettingException;
import java.util.Locale;
import java.util.function.Function;

/**
 * What the trainer maximizes: one of two objective families, each a record of exactly the fields
 * it has. With t the step, a(t) the {@link KlSchedule} factor and w(t) = β·a(t) the effective KL
 * weight:
 *
 * <ul>
 *   <li>{@link Elbo}: L(x) = E_q[log p(x|z)] − w(t)·K(x), one reparameterized sample, where K is the
 *       analytic KL(q(z|x) ‖ N(0, I)), or with free bits λ &gt; 0 the batch's
 *       Σ_j max(λ, mean_batch KL_j) (Kingma et al. 2016, "Improved Variational Inference with
 *       Inverse Autoregressive Flow", §C.8): dimensions whose average KL is below λ are not pushed
 *       further towards the prior. β &gt; 1 is the β-VAE of Higgins et al. 2017.
 *   <li>{@link Iwae}: L(x) = log (1/K) Σ_k p(x|z_k)·(p(z_k)/q(z_k|x))^{w(t)}, z_k ~ q(z|x), the
 *       importance-weighted bound of Burda et al. 2015 (exactly it when w = 1), computed with a
 *       stable log-sum-exp over K batched samples. Its encoder gradient is either the plain
 *       reparameterized one or the doubly-reparameterized one
 *       ({@link GradientEstimator#DOUBLY_REPARAMETERIZED}).
 * </ul>
 *
 * <p>Whatever the objective, the {@code elbo} the trainer reports (metrics.jsonl, train output) is
 * the plain ELBO with β = 1 and no free bits, so that runs stay comparable.
 *
 * <p>The interface is sealed, and code that treats each family differently does so through
 * {@link #match} (Java 17 has no pattern switch): a new family is a new record, a new parameter of
 * {@code match} and a new {@link Kind} constant, so every such place, and the fused step's
 * allow-list in {@link StepFactory}, fails to compile or refuses it until it is handled.
 */
public sealed interface TrainingObjective permits TrainingObjective.Elbo, TrainingObjective.Iwae {

    /** Largest K the IWAE objective accepts (the batch's decoder rows grow as K·B). */
    int MAX_IWAE_K = 5000;

    /** The plain ELBO: β = 1, no annealing, no free bits. */
    Elbo ELBO = new Elbo(1.0, KlSchedule.CONSTANT, 0.0);

    /** The objective families, one per record implementing this interface. */
    enum Kind {
        /** {@link Elbo}: the (β-weighted, annealed, free-bits) single-sample ELBO with analytic KL. */
        ELBO,
        /** {@link Iwae}: the importance-weighted bound with K samples. */
        IWAE;

        /** Lower-case name, as in config.json. */
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
            throw new SettingException("objective must be elbo or iwae, got '" + name + "'", "objective");
        }
    }

    /**
     * The gradient estimator of the IWAE objective with respect to the encoder's parameters φ, with
     * normalized weights w̃_k = w_k / Σ_j w_j.
     */
    enum GradientEstimator {
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

        /** {@code standard} or {@code dreg}, as in config.json. */
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
            throw new SettingException("gradient must be standard or dreg, got '" + name + "'", "gradient");
        }
    }

    /** The family of this objective. */
    Kind kind();

    /** β, the weight of the KL term. */
    double beta();

    /** The KL annealing factor a(t). */
    KlSchedule schedule();

    /** Samples per example each training step draws: K for IWAE, 1 for the ELBO. */
    int particles();

    /**
     * A one-line description that determines the objective, e.g.
     * {@code elbo beta=4.0 kl_schedule=linear:10 free_bits=0.0}; stored in checkpoints so that a
     * resume with another objective is caught.
     */
    String describe();

    /** The effective KL weight w(t) = β·a(t) at 0-based step {@code step}. */
    default double klWeight(long step, int stepsPerEpoch) {
        return beta() * schedule().factor(step, stepsPerEpoch);
    }

    /**
     * The result of {@code elbo} or {@code iwae} applied to this objective, whichever its family:
     * an exhaustive match on the sealed type.
     */
    <T> T match(Function<Elbo, T> elbo, Function<Iwae, T> iwae);

    /** The β-VAE objective (an {@link Elbo}) with the given β, no annealing and no free bits. */
    static Elbo beta(double beta) {
        return new Elbo(beta, KlSchedule.CONSTANT, 0.0);
    }

    /** The IWAE objective with K samples, β = 1, no annealing and the standard gradient. */
    static Iwae iwae(int k) {
        return new Iwae(k, 1.0, KlSchedule.CONSTANT, GradientEstimator.REPARAMETERIZED);
    }

    /**
     * The single-sample ELBO with analytic KL, weighted by β·a(t), with an optional free-bits floor.
     *
     * @param beta β, the weight of the KL term (≥ 0)
     * @param schedule KL annealing factor a(t)
     * @param freeBits λ, the per-dimension KL floor in nats (0 for none)
     */
    record Elbo(double beta, KlSchedule schedule, double freeBits) implements TrainingObjective {

        /** Validates; messages name the component at fault. */
        public Elbo {
            requireBetaAndSchedule(beta, schedule);
            if (!(freeBits >= 0) || Double.isInfinite(freeBits)) {
                throw new SettingException(
                        "freeBits must be a finite number of nats ≥ 0 per latent dimension" + " (0 turns it off), got "
                                + freeBits,
                        "freeBits");
            }
        }

        /** A copy with another KL schedule. */
        public Elbo withSchedule(KlSchedule s) {
            return new Elbo(beta, s, freeBits);
        }

        /** A copy with another free-bits floor λ. */
        public Elbo withFreeBits(double lambda) {
            return new Elbo(beta, schedule, lambda);
        }

        @Override
        public Kind kind() {
            return Kind.ELBO;
        }

        @Override
        public int particles() {
            return 1;
        }

        @Override
        public <T> T match(Function<Elbo, T> elbo, Function<Iwae, T> iwae) {
            return elbo.apply(this);
        }

        @Override
        public String describe() {
            return "elbo beta=" + beta + " kl_schedule=" + schedule + " free_bits=" + freeBits;
        }
    }

    /**
     * The importance-weighted bound with K samples, whose log density ratio is weighted by β·a(t).
     * Free bits, defined on the analytic KL, do not apply to it.
     *
     * @param k importance samples K per example, 1 to {@link #MAX_IWAE_K}
     * @param beta β, the weight of log p(z)/q(z|x) in the log weights (≥ 0)
     * @param schedule KL annealing factor a(t)
     * @param gradient how the bound's gradient is estimated; the doubly-reparameterized one needs
     *     β = 1 and a constant schedule
     */
    record Iwae(int k, double beta, KlSchedule schedule, GradientEstimator gradient) implements TrainingObjective {

        /** Validates; messages name the component at fault. */
        public Iwae {
            requireBetaAndSchedule(beta, schedule);
            if (k < 1 || k > MAX_IWAE_K) {
                throw new SettingException("k must be between 1 and " + MAX_IWAE_K + ", got " + k, "k");
            }
            if (gradient == null) {
                throw new SettingException("gradient is required (GradientEstimator.REPARAMETERIZED)", "gradient");
            }
            if (gradient == GradientEstimator.DOUBLY_REPARAMETERIZED
                    && (beta != 1.0 || schedule.kind() != KlSchedule.Kind.CONSTANT)) {
                throw new SettingException(
                        "gradient dreg differentiates the plain IWAE bound;"
                                + " it needs beta 1 and a constant schedule, got beta " + beta + " and schedule "
                                + schedule,
                        "gradient",
                        "beta",
                        "schedule");
            }
        }

        /** A copy with another KL schedule. */
        public Iwae withSchedule(KlSchedule s) {
            return new Iwae(k, beta, s, gradient);
        }

        /** A copy with another gradient estimator. */
        public Iwae withGradient(GradientEstimator g) {
            return new Iwae(k, beta, schedule, g);
        }

        @Override
        public Kind kind() {
            return Kind.IWAE;
        }

        @Override
        public int particles() {
            return k;
        }

        @Override
        public <T> T match(Function<Elbo, T> elbo, Function<Iwae, T> iwae) {
            return iwae.apply(this);
        }

        @Override
        public String describe() {
            return "iwae k=" + k + (gradient == GradientEstimator.DOUBLY_REPARAMETERIZED ? " gradient=dreg" : "")
                    + " beta=" + beta + " kl_schedule=" + schedule + " free_bits=0.0";
        }
    }

    private static void requireBetaAndSchedule(double beta, KlSchedule schedule) {
        if (!(beta >= 0) || Double.isInfinite(beta)) {
            throw new SettingException("beta must be a finite number ≥ 0 (1 is the plain ELBO), got " + beta, "beta");
        }
        if (schedule == null) {
            throw new SettingException("schedule is required (KlSchedule.CONSTANT for none)", "schedule");
        }
    }
}
