package io.github.elbo4j.spark;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import io.github.elbo4j.vi.GaussianExpectation;
import io.github.elbo4j.vi.Model;
import io.github.elbo4j.vi.ParameterBlock;
import io.github.elbo4j.vi.ParameterValues;
import io.github.elbo4j.vi.SubsampledModel;
import io.github.elbo4j.vi.UnconstrainedDensity;
import io.github.elbo4j.vi.glm.GeneralizedLinearModel;
import io.github.elbo4j.vi.glm.GlmDensity;
import io.github.elbo4j.vi.glm.GlmFamily;
import io.github.elbo4j.vi.glm.GlmGaussianExpectation;
import io.github.elbo4j.vi.glm.GlmLayout;
import io.github.elbo4j.vi.glm.GlmLikelihood;
import io.github.elbo4j.vi.glm.GlmPreconditioner;
import io.github.elbo4j.vi.glm.GlmRecordExpectation;
import io.github.elbo4j.vi.glm.RegressionModel;
import io.github.elbo4j.vi.glm.RegressionPrior;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import org.apache.spark.api.java.JavaRDD;

/**
 * A Bayesian GLM whose likelihood lives in a cached RDD of {@link GlmShard}s, as a {@link Model}
 * for {@link io.github.elbo4j.vi.GaussianVi}: the guide, the optimizer and every diagnostic stay on
 * the driver, and each evaluation of the log joint runs one Spark job.
 *
 * <p>The fit reaches the model through {@link #unconstrainedDensity()}, a {@link GlmDensity} whose
 * likelihood is a Spark job: the driver sends the S particles' constrained parameters θ_s to the
 * executors; each partition returns Σ_i log p(y_i | θ_s) and, when the fit needs a gradient, its
 * closed-form derivative ∂/∂θ_s (the {@link GlmLikelihood} kernel a single-machine fit runs);
 * {@code treeAggregate} sums them. The prior, the transform of σ and the chain rule are applied on
 * the driver by the same code as a single-machine {@code GaussianVi.fit} on a {@link
 * GeneralizedLinearModel}, so the fit is the same algorithm. The prior comes from a {@link
 * GeneralizedLinearModel} with the same blocks and priors.
 *
 * <p>As a {@link RegressionModel} it is fitted over preconditioned coordinates ({@link
 * GlmPreconditioner#fit}, the preconditioner from {@link DataMoments}), as a single-machine
 * regression is. A logistic or Poisson model also offers the exact expected log joint under a
 * Gaussian guide ({@link #gaussianExpectation(GlmPreconditioner)}), whose records' part each
 * partition computes ({@link GlmRecordExpectation}) and one job sums, so that such a fit is the
 * single machine's deterministic one: L-BFGS on the exact ELBO, one Spark job per function
 * evaluation instead of one per stochastic iteration (thousands). A job evaluates all the points
 * of the batch it is given (the mode search sends its runs' points together), so a fit takes a
 * few tens of jobs. With {@code ViConfig.batchSize} = m ({@link SubsampledModel})
 * each step evaluates the m records the fit draws (global indices, uniform with replacement) and
 * the density scales their likelihood by n/m, an unbiased estimate; the convergence monitor and
 * the final draws still use all records. The tensor methods ({@link #logJoint}) give values only, for callers outside the
 * fit.
 */
class DistributedGlm implements RegressionModel {

    private final GeneralizedLinearModel prior;
    private final GlmFamily family;
    private final JavaRDD<GlmShard> shards;
    private final GlmLayout layout;
    private final int treeDepth;
    private final long records;
    private final AtomicLong jobs = new AtomicLong();

    DistributedGlm(
            GlmFamily family,
            List<String> columns,
            boolean intercept,
            Map<String, RegressionPrior> priors,
            double[] predictorMeans,
            JavaRDD<GlmShard> shards,
            int treeDepth,
            long records) {
        this.family = family;
        this.shards = shards;
        this.treeDepth = treeDepth;
        this.records = records;
        // The prior's blocks and densities come from the single-machine model, built on two dummy
        // records with every prior given explicitly (so the dummy data never shapes a default), both
        // at the predictors' means, where the intercept's prior is centred.
        int p = columns.size();
        double[][] x = {predictorMeans.clone(), predictorMeans.clone()};
        this.prior = GeneralizedLinearModel.of(family, columns, x, new double[] {0, 1}, intercept, priors);
        this.layout = GlmLayout.of(family, p, intercept);
    }

    @Override
    public List<ParameterBlock> blocks() {
        return prior.blocks();
    }

    /** The number of records n. */
    int records() {
        return Math.toIntExact(records);
    }

    /** Spark jobs run so far (one per likelihood or expectation evaluation). */
    long jobs() {
        return jobs.get();
    }

    @Override
    public UnconstrainedDensity unconstrainedDensity() {
        Map<String, RegressionPrior> priors = prior.priors();
        List<RegressionPrior> ordered =
                prior.blocks().stream().map(b -> priors.get(b.name())).toList();
        return new GlmDensity(
                layout,
                ordered,
                prior.interceptPriorCentre(),
                records(),
                (theta, particles, subset, values, gradient) -> {
                    double[] sums =
                            evaluate(theta, particles, gradient != null, subset == null ? null : globalIndices(subset));
                    for (int s = 0; s < particles; s++) {
                        values[s] += sums[s];
                    }
                    if (gradient != null) {
                        for (int k = 0; k < gradient.length; k++) {
                            gradient[k] += sums[particles + k];
                        }
                    }
                },
                true);
    }

    /**
     * For logistic and Poisson regression, the exact expected log joint under a Gaussian guide over
     * the preconditioner's coordinates, as {@link GeneralizedLinearModel#gaussianExpectation(
     * GlmPreconditioner)} computes it in memory, with the records' sum computed by one Spark job per
     * evaluation; empty for the linear model.
     */
    @Override
    public Optional<GaussianExpectation> gaussianExpectation(GlmPreconditioner preconditioner) {
        if (family == GlmFamily.LINEAR) {
            return Optional.empty();
        }
        Map<String, RegressionPrior> priors = prior.priors();
        List<RegressionPrior> ordered =
                prior.blocks().stream().map(b -> priors.get(b.name())).toList();
        GlmRecordExpectation terms = preconditioner.recordExpectation(family);
        return Optional.of(new GlmGaussianExpectation(
                family,
                layout,
                ordered,
                prior.interceptPriorCentre(),
                preconditioner,
                (mean, covariance, meanGradient, outer) -> expectation(terms, mean, covariance, meanGradient, outer)));
    }

    /**
     * One job: Σ over partitions, in partition order, of the records' expected log likelihood and
     * its gradient terms ({@link GlmRecordExpectation#accumulate}).
     */
    private double expectation(
            GlmRecordExpectation terms, double[] mean, double[] covariance, double[] meanGradient, double[] outer) {
        jobs.incrementAndGet();
        int q = mean.length;
        PartialSums sums = shards.treeAggregate(
                new PartialSums(),
                (acc, shard) -> acc.put(shard.partition(), shard.expectation(terms, mean, covariance)),
                PartialSums::merge,
                treeDepth);
        double[] total = sums.total(1 + q + q * q);
        for (int j = 0; j < q; j++) {
            meanGradient[j] += total[1 + j];
        }
        for (int k = 0; k < q * q; k++) {
            outer[k] += total[1 + q + k];
        }
        return total[0];
    }

    private static long[] globalIndices(int[] subset) {
        long[] result = new long[subset.length];
        for (int i = 0; i < subset.length; i++) {
            result[i] = subset[i];
        }
        return result;
    }

    @Override
    public int dataSize() {
        return records();
    }

    @Override
    public NDArray logJoint(ParameterValues values) {
        // All records without materializing an index array of size n.
        return logPrior(values).add(logLikelihood(values::get, values, null));
    }

    @Override
    public NDArray logPrior(ParameterValues values) {
        return prior.logPrior(values);
    }

    @Override
    public NDArray logPrior(Function<String, NDArray> parameters) {
        return prior.logPrior(parameters);
    }

    @Override
    public NDArray logLikelihood(ParameterValues values, NDArray records) {
        return logLikelihood(values::get, values, records);
    }

    /** The log likelihood of {@code records} (global indices, with repetitions; null: all), shape [S]. */
    @Override
    public NDArray logLikelihood(Function<String, NDArray> parameters, ParameterValues values, NDArray records) {
        NDList columns = new NDList(layout.parameters());
        for (ParameterBlock block : prior.blocks()) {
            columns.add(parameters.apply(block.name()));
        }
        NDArray theta = columns.size() == 1 ? columns.get(0) : NDArrays.concat(columns, 1);
        int particles = values.numParticles();
        return theta.getManager()
                .create(evaluate(
                        theta.toDoubleArray(), particles, false, records == null ? null : records.toLongArray()));
    }

    /**
     * Σ over partitions of each particle's log likelihood (and gradient) over {@code records} (null:
     * all), summed in partition order so that the result does not depend on task completion order.
     */
    double[] evaluate(double[] theta, int particles, boolean gradient, long[] records) {
        jobs.incrementAndGet();
        GlmFamily f = family;
        GlmLayout l = layout;
        long[] sorted = records == null ? null : records.clone();
        if (sorted != null) {
            Arrays.sort(sorted);
        }
        long[] offsets = sorted == null ? null : offsets();
        PartialSums sums = shards.treeAggregate(
                new PartialSums(),
                (acc, shard) -> {
                    int[] subset = sorted == null ? null : localRows(sorted, offsets[shard.partition()], shard.rows());
                    if (subset != null && subset.length == 0) {
                        return acc;
                    }
                    return acc.put(shard.partition(), shard.logLikelihood(f, l, theta, particles, gradient, subset));
                },
                PartialSums::merge,
                treeDepth);
        return sums.total(particles * (gradient ? layout.parameters() + 1 : 1));
    }

    private long[] offsetCache;

    /** The global index of each partition's first record. */
    private synchronized long[] offsets() {
        if (offsetCache == null) {
            List<long[]> sizes =
                    shards.map(s -> new long[] {s.partition(), s.rows()}).collect();
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
}
