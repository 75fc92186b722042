package io.github.elbo4j.kl;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.github.elbo4j.distributions.Bernoulli;
import io.github.elbo4j.distributions.DiagonalNormal;
import io.github.elbo4j.distributions.Distribution;
import io.github.elbo4j.distributions.MultivariateNormal;
import io.github.elbo4j.distributions.Normal;
import io.github.elbo4j.distributions.ReparameterizedDistribution;
import io.github.elbo4j.distributions.StandardNormal;
import io.github.elbo4j.math.ArrayScope;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiFunction;

/**
 * {@code KL(q ‖ p) = E_q[log q(z) − log p(z)]}, by closed form when one is registered for the pair
 * {@code (q.getClass(), p.getClass())} and by Monte Carlo otherwise.
 *
 * <p>Built-in closed forms (each documented on the method that implements it):
 *
 * <ul>
 *   <li>{@link DiagonalNormal} ‖ {@link StandardNormal}: {@code ½ Σ (μ² + σ² − log σ² − 1)}
 *   <li>{@link DiagonalNormal} ‖ {@link DiagonalNormal}
 *   <li>{@link Normal} ‖ {@link Normal} (elementwise)
 *   <li>{@link Bernoulli} ‖ {@link Bernoulli}
 *   <li>{@link MultivariateNormal} ‖ {@link MultivariateNormal} and {@link MultivariateNormal} ‖
 *       {@link StandardNormal}
 *   <li>{@link StandardNormal} ‖ {@link StandardNormal} (zero)
 * </ul>
 *
 * <p>The Monte Carlo estimate {@code (1/n) Σ_s [log q(z_s) − log p(z_s)]}, {@code z_s ~ q}, is
 * unbiased. When {@code q} is a {@link ReparameterizedDistribution} the draws are {@code
 * q.rsample(ε)} so gradients reach q's parameters by the path derivative; otherwise {@code
 * q.sample} is used and the gradient omits the score-function term. Results are attached to {@code
 * q.manager()}.
 *
 * <p>Lookup is by exact class pair (the distribution classes are final). The registry is
 * thread-safe and global; {@link #register} replaces an earlier entry for the same pair.
 */
public final class KlDivergence {

    /**
     * Monte Carlo sample count used by {@link #kl(Distribution, Distribution)} for pairs without a
     * closed form.
     */
    public static final int DEFAULT_MONTE_CARLO_SAMPLES = 1000;

    private static final Map<Pair, BiFunction<Distribution, Distribution, NDArray>> REGISTRY =
            new ConcurrentHashMap<>();

    static {
        register(DiagonalNormal.class, StandardNormal.class, DiagonalNormal::klDivergence);
        register(DiagonalNormal.class, DiagonalNormal.class, DiagonalNormal::klDivergence);
        register(Normal.class, Normal.class, Normal::klDivergence);
        register(Bernoulli.class, Bernoulli.class, Bernoulli::klDivergence);
        register(MultivariateNormal.class, MultivariateNormal.class, MultivariateNormal::klDivergence);
        register(MultivariateNormal.class, StandardNormal.class, MultivariateNormal::klDivergence);
        register(StandardNormal.class, StandardNormal.class, KlDivergence::standardToStandard);
    }

    private KlDivergence() {}

    /**
     * {@code KL(q ‖ p)}: the registered closed form, or a Monte Carlo estimate with {@link
     * #DEFAULT_MONTE_CARLO_SAMPLES} draws from q.
     *
     * @param q the distribution the expectation is taken under
     * @param p the reference distribution
     * @return shape: the broadcast batch shape of q and p, attached to {@code q.manager()}
     */
    public static NDArray kl(Distribution q, Distribution p) {
        return kl(q, p, DEFAULT_MONTE_CARLO_SAMPLES);
    }

    /**
     * {@code KL(q ‖ p)}: the registered closed form if there is one (then {@code monteCarloSamples}
     * is unused), otherwise {@link #monteCarlo(Distribution, Distribution, int)}.
     *
     * @param q the distribution the expectation is taken under; must be able to sample
     * @param p the reference distribution
     * @param monteCarloSamples draws for the fallback, at least 1
     * @return shape: the broadcast batch shape of q and p, attached to {@code q.manager()}
     */
    public static NDArray kl(Distribution q, Distribution p, int monteCarloSamples) {
        BiFunction<Distribution, Distribution, NDArray> closed = lookup(q, p);
        if (closed != null) {
            return closed.apply(q, p);
        }
        return monteCarlo(q, p, monteCarloSamples);
    }

    /**
     * KL(q ‖ N(0, I)) of each latent dimension on its own, shape [batch..., D]: the closed form of
     * each dimension as a one-dimensional normal. Its sum over the last axis is {@code kl(q,
     * StandardNormal)}; free bits floor it, and evaluation reports it to show which dimensions the
     * model uses.
     *
     * @param q a diagonal normal of event size D
     * @return the KL per example and dimension, attached to {@code q.manager()}
     */
    public static NDArray perDimension(DiagonalNormal q) {
        DiagonalNormal perDimension = DiagonalNormal.fromLogVariance(
                q.loc().expandDims(-1), q.logVariance().expandDims(-1));
        return kl(perDimension, new StandardNormal(q.manager(), 1));
    }

    /**
     * The registered closed form, without fallback.
     *
     * @param q the distribution the expectation is taken under
     * @param p the reference distribution
     * @return {@code KL(q ‖ p)}, attached to {@code q.manager()}
     * @throws IllegalArgumentException if no closed form is registered for the pair, naming the
     *     pairs that are
     */
    public static NDArray closedForm(Distribution q, Distribution p) {
        BiFunction<Distribution, Distribution, NDArray> closed = lookup(q, p);
        if (closed == null) {
            throw new IllegalArgumentException("no closed-form KL divergence is registered for "
                    + q.getClass().getSimpleName()
                    + " ‖ "
                    + p.getClass().getSimpleName()
                    + "; register one with KlDivergence.register(...), or use a Monte"
                    + " Carlo estimate (KlDivergence.kl(q, p, samples), or an ELBO"
                    + " estimator that needs no KL such as MonteCarloElbo). Registered"
                    + " pairs: "
                    + registeredPairs());
        }
        return closed.apply(q, p);
    }

    /**
     * The Monte Carlo estimate {@code (1/n) Σ_s [log q(z_s) − log p(z_s)]} with {@code z_s ~ q}
     * drawn from the engine RNG, whether or not a closed form is registered.
     *
     * @param q the distribution to sample; reparameterised draws are used when available
     * @param p the reference distribution
     * @param numSamples n, at least 1
     * @return shape: the broadcast batch shape, attached to {@code q.manager()}
     * @throws IllegalArgumentException if {@code numSamples < 1}
     * @throws UnsupportedOperationException if q cannot be sampled
     */
    public static NDArray monteCarlo(Distribution q, Distribution p, int numSamples) {
        if (numSamples < 1) {
            throw new IllegalArgumentException(
                    "the Monte Carlo KL estimate needs at least 1 sample, got " + numSamples);
        }
        NDManager home = q.manager();
        if (q instanceof ReparameterizedDistribution) {
            Shape shape = new Shape(numSamples).addAll(q.batchShape()).addAll(q.eventShape());
            try (ArrayScope scope = ArrayScope.open(home)) {
                NDArray noise = scope.manager().randomNormal(shape, DataType.FLOAT32);
                return scope.ret(monteCarlo((ReparameterizedDistribution) q, p, noise));
            }
        }
        try (ArrayScope scope = ArrayScope.open(home)) {
            NDArray z = q.sample(scope.manager(), numSamples);
            return scope.ret(averageLogRatio(q, p, z, scope));
        }
    }

    /**
     * The Monte Carlo estimate with caller-supplied noise: {@code z_s = q.rsample(ε_s)}; the result
     * is a deterministic, differentiable function of q's parameters.
     *
     * @param q a reparameterised distribution
     * @param p the reference distribution
     * @param standardNoise ε of shape {@code [n, ...q.batch, ...q.event]}
     * @return shape: the broadcast batch shape, attached to {@code q.manager()}
     */
    public static NDArray monteCarlo(ReparameterizedDistribution q, Distribution p, NDArray standardNoise) {
        try (ArrayScope scope = ArrayScope.open(q.manager(), standardNoise)) {
            NDArray z = scope.adopt(q.rsample(standardNoise));
            return scope.ret(averageLogRatio(q, p, z, scope));
        }
    }

    /**
     * Registers (or replaces) the closed form for a pair of classes.
     *
     * @param qClass the exact class of q
     * @param pClass the exact class of p
     * @param closedForm computes {@code KL(q ‖ p)}; should attach its result to {@code q.manager()}
     * @param <Q> the type of q
     * @param <P> the type of p
     */
    public static <Q extends Distribution, P extends Distribution> void register(
            Class<Q> qClass, Class<P> pClass, BiFunction<? super Q, ? super P, NDArray> closedForm) {
        Objects.requireNonNull(closedForm, "closedForm");
        REGISTRY.put(new Pair(qClass, pClass), (q, p) -> closedForm.apply(qClass.cast(q), pClass.cast(p)));
    }

    /**
     * Whether a closed form is registered for the exact pair.
     *
     * @param qClass the class of q
     * @param pClass the class of p
     * @return true if {@link #kl} will not use Monte Carlo for this pair
     */
    public static boolean hasClosedForm(Class<?> qClass, Class<?> pClass) {
        return REGISTRY.containsKey(new Pair(qClass, pClass));
    }

    private static BiFunction<Distribution, Distribution, NDArray> lookup(Distribution q, Distribution p) {
        return REGISTRY.get(new Pair(q.getClass(), p.getClass()));
    }

    private static NDArray averageLogRatio(Distribution q, Distribution p, NDArray z, ArrayScope scope) {
        NDArray logQ = scope.adopt(q.logProb(z));
        NDArray logP = scope.adopt(p.logProb(z));
        return logQ.sub(logP).mean(new int[] {0});
    }

    private static NDArray standardToStandard(StandardNormal q, StandardNormal p) {
        if (q.dimension() != p.dimension()) {
            throw new IllegalArgumentException(
                    "KL divergence needs equal event sizes, got " + q.dimension() + " and " + p.dimension());
        }
        return q.manager().zeros(new Shape());
    }

    private static String registeredPairs() {
        TreeSet<String> names = new TreeSet<>();
        for (Pair pair : REGISTRY.keySet()) {
            names.add(pair.q.getSimpleName() + " ‖ " + pair.p.getSimpleName());
        }
        return String.join(", ", names);
    }

    private record Pair(Class<?> q, Class<?> p) {}
}
