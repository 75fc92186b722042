package io.github.elbo4j.spark;

import io.github.elbo4j.vi.glm.GeneralizedLinearModel;
import io.github.elbo4j.vi.glm.GlmFamily;
import io.github.elbo4j.vi.glm.GlmLayout;
import io.github.elbo4j.vi.glm.GlmPreconditioner;
import io.github.elbo4j.vi.glm.Preconditioning;
import io.github.elbo4j.vi.glm.RegressionPrior;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.api.java.JavaRDD;
import scala.Tuple2;

/**
 * Count, means and sums of squared deviations of the response and every predictor, computed in one
 * pass (per partition, then merged in partition order with Chan et al.'s pairwise update), for the
 * data-scaled default priors of {@link GeneralizedLinearModel}.
 */
final class DataMoments {

    private final long n;
    private final double[] mean;
    /** Σ_i (v_i − mean)(v_i − mean)ᵀ over v = (y, x), lower triangle. */
    private final double[][] comoment;

    private DataMoments(long n, double[] mean, double[][] comoment) {
        this.n = n;
        this.mean = mean;
        this.comoment = comoment;
    }

    /**
     * Moments of y (index 0) and x_j (index j + 1): means and co-moments, merged exactly across
     * partitions. This is the first job over the shards, so it also packs and caches them.
     *
     * @throws IllegalArgumentException with the problem of the first shard (in partition order) that
     *     holds a bad record
     */
    static DataMoments of(JavaRDD<GlmShard> shards, int p) {
        int size = p + 1;
        TreeMap<Integer, Object> results = new TreeMap<>();
        for (Tuple2<Integer, Object> part : shards.map(shard -> new Tuple2<Integer, Object>(
                        shard.partition(), shard.problem() != null ? shard.problem() : moments(shard, p)))
                .collect()) {
            results.put(part._1(), part._2());
        }
        List<double[]> parts = new ArrayList<>();
        for (Object part : results.values()) {
            if (part instanceof String problem) {
                throw new IllegalArgumentException(problem);
            }
            parts.add((double[]) part);
        }
        long n = 0;
        double[] mean = new double[size];
        double[][] comoment = new double[size][size];
        for (double[] v : parts) {
            long nb = (long) v[0];
            if (nb == 0) {
                continue;
            }
            long total = n + nb;
            double[] delta = new double[size];
            for (int c = 0; c < size; c++) {
                delta[c] = v[1 + c] - mean[c];
            }
            for (int a = 0; a < size; a++) {
                for (int b = 0; b <= a; b++) {
                    comoment[a][b] += v[1 + size + a * size + b] + delta[a] * delta[b] * n * nb / total;
                }
            }
            for (int c = 0; c < size; c++) {
                mean[c] += delta[c] * nb / total;
            }
            n = total;
        }
        return new DataMoments(n, mean, comoment);
    }

    /** A shard's [count, means, co-moments (row-major (p + 1)²)] of (y, x), by Welford's update. */
    private static double[] moments(GlmShard shard, int p) {
        int size = p + 1;
        double[] v = new double[1 + size + size * size];
        v[0] = shard.rows();
        double[] value = new double[size];
        double[] before = new double[size];
        for (int i = 0; i < shard.rows(); i++) {
            double count = i + 1;
            for (int c = 0; c < size; c++) {
                value[c] = c == 0 ? shard.y()[i] : shard.x()[i * p + c - 1];
                before[c] = value[c] - v[1 + c];
                v[1 + c] += before[c] / count;
            }
            for (int a = 0; a < size; a++) {
                for (int b = 0; b <= a; b++) {
                    v[1 + size + a * size + b] += before[a] * (value[b] - v[1 + b]);
                }
            }
        }
        return v;
    }

    long count() {
        return n;
    }

    /** The predictors' means x̄, where the intercept's prior is centred. */
    double[] predictorMeans() {
        return Arrays.copyOfRange(mean, 1, mean.length);
    }

    /**
     * The preconditioner a single-machine {@link GeneralizedLinearModel} of the same data would use
     * ({@link GlmPreconditioner#fromMoments}): centred cross products with an intercept, uncentred
     * ones (Σ x xᵀ = C + n x̄ x̄ᵀ) without.
     */
    GlmPreconditioner preconditioner(Preconditioning kind, GlmFamily family, GlmLayout layout) {
        int p = mean.length - 1;
        boolean intercept = layout.interceptIndex() >= 0;
        double[] centre = intercept ? predictorMeans() : new double[p];
        double[][] cross = new double[p][p];
        for (int j = 0; j < p; j++) {
            for (int k = 0; k <= j; k++) {
                cross[j][k] = comoment[j + 1][k + 1] + (intercept ? 0.0 : n * mean[j + 1] * mean[k + 1]);
            }
        }
        return GlmPreconditioner.fromMoments(
                kind, family, layout, n, centre, cross, mean[0], family == GlmFamily.LINEAR ? positiveSd(0) : 1.0);
    }

    /** Sample standard deviation of column c (0 = y), or 1 when constant or single, as the GLM does. */
    private double positiveSd(int c) {
        if (n < 2) {
            return 1.0;
        }
        double sd = Math.sqrt(comoment[c][c] / (n - 1));
        return sd > 0 ? sd : 1.0;
    }

    /**
     * The priors of every block: {@code overrides} by name ({@code beta} for every coefficient),
     * otherwise the data-scaled defaults of {@link GeneralizedLinearModel}.
     */
    Map<String, RegressionPrior> defaultPriors(
            GlmFamily family, List<String> columns, boolean intercept, Map<String, RegressionPrior> overrides) {
        for (String key : overrides.keySet()) {
            boolean known = key.equals(GeneralizedLinearModel.ALL_COEFFICIENTS)
                    || columns.contains(key)
                    || (intercept && key.equals(GeneralizedLinearModel.INTERCEPT))
                    || (family == GlmFamily.LINEAR && key.equals(GeneralizedLinearModel.SIGMA));
            if (!known) {
                throw new IllegalArgumentException("prior for unknown parameter '" + key + "'; parameters are beta, "
                        + (intercept ? "intercept, " : "") + String.join(", ", columns)
                        + (family == GlmFamily.LINEAR ? ", sigma" : ""));
            }
        }
        double sdY = family == GlmFamily.LINEAR ? positiveSd(0) : 1.0;
        Map<String, RegressionPrior> result = new LinkedHashMap<>();
        if (intercept) {
            result.put(
                    GeneralizedLinearModel.INTERCEPT,
                    overrides.getOrDefault(
                            GeneralizedLinearModel.INTERCEPT,
                            family == GlmFamily.LINEAR
                                    ? new RegressionPrior.Normal(mean[0], 10 * sdY)
                                    : new RegressionPrior.Normal(0, 10)));
        }
        for (int j = 0; j < columns.size(); j++) {
            String name = columns.get(j);
            RegressionPrior prior = overrides.get(name);
            if (prior == null) {
                prior = overrides.getOrDefault(
                        GeneralizedLinearModel.ALL_COEFFICIENTS,
                        new RegressionPrior.Normal(0, 2.5 * sdY / positiveSd(j + 1)));
            }
            result.put(name, prior);
        }
        if (family == GlmFamily.LINEAR) {
            result.put(
                    GeneralizedLinearModel.SIGMA,
                    overrides.getOrDefault(GeneralizedLinearModel.SIGMA, new RegressionPrior.Exponential(1.0 / sdY)));
        }
        return result;
    }
}
