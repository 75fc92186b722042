package io.github.elbo4j.spark;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.github.elbo4j.vi.Model;
import io.github.elbo4j.vi.ParameterBlock;
import io.github.elbo4j.vi.ParameterValues;
import io.github.elbo4j.vi.SubsampledModel;
import io.github.elbo4j.vi.glm.GeneralizedLinearModel;
import io.github.elbo4j.vi.glm.GlmFamily;
import io.github.elbo4j.vi.glm.Prior;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.spark.api.java.JavaRDD;

/**
 * A Bayesian GLM whose likelihood lives in a cached RDD of {@link GlmShard}s, as a {@link Model}
 * for {@link io.github.elbo4j.vi.GaussianVi}: the guide, the optimizer and every diagnostic stay on
 * the driver, and each evaluation of the log joint runs one Spark job.
 *
 * <p>The driver sends the S particles' constrained parameters θ_s to the executors; each partition
 * returns Σ_i log p(y_i | θ_s) and, when the fit needs a gradient, its closed-form derivative
 * g_s = ∂/∂θ_s Σ_i log p(y_i | θ_s); {@code treeAggregate} gathers them. Back on the driver the
 * likelihood enters the autodiff graph as the surrogate
 *
 * <pre>
 *   L_s + (θ_s − stop_gradient(θ_s)) · g_s
 * </pre>
 *
 * whose value is L_s and whose gradient with respect to θ_s is g_s, so the chain rule through the
 * constraint transforms and the guide's reparameterization is unchanged and the fit is the same
 * algorithm as a single-machine {@code GaussianVi.fit} on a {@link GeneralizedLinearModel}. The
 * prior comes from a {@link GeneralizedLinearModel} with the same blocks and priors.
 *
 * <p>{@link Subsampled} is the {@link SubsampledModel} variant: with {@code ViConfig.batchSize} = m
 * each step evaluates the m records the fit draws (global indices, uniform with replacement) and
 * the fit scales their likelihood by n/m, an unbiased estimate; the convergence monitor and the
 * final draws still use all records.
 */
class DistributedGlm implements Model {

    private final GeneralizedLinearModel prior;
    private final GlmFamily family;
    private final JavaRDD<GlmShard> shards;
    private final int q;
    private final int interceptIndex;
    private final int firstCoefficient;
    private final int sigmaIndex;
    private final int treeDepth;
    private final int gradientParticles;
    private final AtomicLong jobs = new AtomicLong();

    DistributedGlm(GlmFamily family, List<String> columns, boolean intercept, Map<String, Prior> priors,
            JavaRDD<GlmShard> shards, int treeDepth, int gradientParticles) {
        this.family = family;
        this.shards = shards;
        this.treeDepth = treeDepth;
        this.gradientParticles = gradientParticles;
        // The prior's blocks and densities come from the single-machine model, built on two dummy
        // records with every prior given explicitly (so the dummy data never shapes a default).
        int p = columns.size();
        double[][] x = {new double[p], new double[p]};
        Arrays.fill(x[1], 1.0);
        this.prior = GeneralizedLinearModel.of(family, columns, x, new double[] {0, 1}, intercept, priors);
        this.q = prior.blocks().size();
        this.interceptIndex = intercept ? 0 : -1;
        this.firstCoefficient = intercept ? 1 : 0;
        this.sigmaIndex = family == GlmFamily.LINEAR ? q - 1 : -1;
    }

    @Override
    public List<ParameterBlock> blocks() {
        return prior.blocks();
    }

    /** Spark jobs run so far (one per likelihood evaluation). */
    long jobs() {
        return jobs.get();
    }

    @Override
    public NDArray logJoint(ParameterValues values) {
        return logPrior(values).add(likelihood(values, null));
    }

    /** The log prior density of each particle. */
    public NDArray logPrior(ParameterValues values) {
        return prior.logPrior(values);
    }

    /**
     * The log likelihood of the records {@code records} (global indices, with repetitions; null:
     * all), shape [S], differentiable through the surrogate of the class documentation.
     */
    NDArray likelihood(ParameterValues values, long[] records) {
        NDList columns = new NDList(q);
        for (ParameterBlock block : prior.blocks()) {
            columns.add(values.get(block.name()));
        }
        NDArray theta = q == 1 ? columns.get(0) : NDArrays.concat(columns, 1);
        int particles = values.numParticles();
        // Only the fitting steps differentiate, and they always evaluate numParticles particles;
        // the convergence monitor and the final draws (other counts) need values only. NDArray's
        // hasGradient() cannot tell: it is false for every array derived from the leaf.
        boolean gradient = particles == gradientParticles;
        double[] likelihood = evaluate(theta.toDoubleArray(), particles, gradient, records);
        NDManager manager = theta.getManager();
        NDArray value = manager.create(Arrays.copyOf(likelihood, particles));
        if (gradient) {
            NDArray g = manager.create(Arrays.copyOfRange(likelihood, particles, likelihood.length),
                    new Shape(particles, q));
            value = value.add(theta.sub(theta.stopGradient()).mul(g).sum(new int[] {1}));
        }
        return value;
    }

    /**
     * Σ over partitions of each particle's log likelihood (and gradient) over {@code records} (null:
     * all), summed in partition order so that the result does not depend on task completion order.
     */
    double[] evaluate(double[] theta, int particles, boolean gradient, long[] records) {
        jobs.incrementAndGet();
        GlmFamily f = family;
        int qq = q;
        int a = interceptIndex;
        int b = firstCoefficient;
        int c = sigmaIndex;
        long[] sorted = records == null ? null : records.clone();
        if (sorted != null) {
            Arrays.sort(sorted);
        }
        long[] offsets = sorted == null ? null : offsets();
        PartialSums sums = shards.treeAggregate(new PartialSums(), (acc, shard) -> {
            int[] subset = sorted == null ? null : localRows(sorted, offsets[shard.partition()], shard.rows());
            if (subset != null && subset.length == 0) {
                return acc;
            }
            return acc.put(shard.partition(), shard.logLikelihood(f, theta, particles, qq, a, b, c, gradient, subset));
        }, PartialSums::merge, treeDepth);
        return sums.total(particles * (gradient ? q + 1 : 1));
    }

    private long[] offsetCache;

    /** The global index of each partition's first record. */
    private synchronized long[] offsets() {
        if (offsetCache == null) {
            List<long[]> sizes = shards.map(s -> new long[] {s.partition(), s.rows()}).collect();
            long[] rows = new long[sizes.size()];
            for (long[] s : sizes) {
                rows[(int) s[0]] = s[1];
            }
            offsetCache = new long[rows.length];
            for (int p = 1; p < rows.length; p++) {
                offsetCache[p] = offsetCache[p - 1] + rows[p - 1];
            }
        }
        return offsetCache;
    }

    /** The local indices of the sorted global {@code records} that fall in [offset, offset + rows). */
    private static int[] localRows(long[] sorted, long offset, int rows) {
        int from = lowerBound(sorted, offset);
        int to = lowerBound(sorted, offset + rows);
        int[] local = new int[to - from];
        for (int i = from; i < to; i++) {
            local[i - from] = (int) (sorted[i] - offset);
        }
        return local;
    }

    private static int lowerBound(long[] sorted, long key) {
        int lo = 0;
        int hi = sorted.length;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (sorted[mid] < key) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }

    /** The subsampled variant (see the class documentation). */
    static final class Subsampled extends DistributedGlm implements SubsampledModel {

        private final int records;

        Subsampled(GlmFamily family, List<String> columns, boolean intercept, Map<String, Prior> priors,
                JavaRDD<GlmShard> shards, int treeDepth, int gradientParticles, long records) {
            super(family, columns, intercept, priors, shards, treeDepth, gradientParticles);
            this.records = Math.toIntExact(records);
        }

        @Override
        public int dataSize() {
            return records;
        }

        @Override
        public NDArray logLikelihood(ParameterValues values, NDArray indices) {
            return likelihood(values, indices.toLongArray());
        }

        @Override
        public NDArray logJoint(ParameterValues values) {
            // All records without materializing an index array of size n.
            return logPrior(values).add(likelihood(values, null));
        }
    }
}
