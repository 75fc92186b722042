package io.github.elbo4j.spark;

import io.github.elbo4j.vi.glm.GeneralizedLinearModel;
import io.github.elbo4j.vi.glm.GlmFamily;
import io.github.elbo4j.vi.glm.Prior;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.api.java.JavaRDD;

/**
 * Count, means and sums of squared deviations of the response and every predictor, computed in one
 * pass (per partition, then merged in partition order with Chan et al.'s pairwise update), for the
 * data-scaled default priors of {@link GeneralizedLinearModel}.
 */
final class DataMoments {

    private final long n;
    private final double[] mean;
    private final double[] m2;

    private DataMoments(long n, double[] mean, double[] m2) {
        this.n = n;
        this.mean = mean;
        this.m2 = m2;
    }

    /** Moments of y (index 0) and x_j (index j + 1). */
    static DataMoments of(JavaRDD<GlmShard> shards, int p) {
        int size = p + 1;
        PartialSums parts = shards.treeAggregate(new PartialSums(), (acc, shard) -> {
            double[] v = new double[1 + 2 * size];
            v[0] = shard.rows();
            for (int i = 0; i < shard.rows(); i++) {
                double count = i + 1;
                for (int c = 0; c < size; c++) {
                    double value = c == 0 ? shard.y()[i] : shard.x()[i * p + c - 1];
                    double delta = value - v[1 + c];
                    v[1 + c] += delta / count;
                    v[1 + size + c] += delta * (value - v[1 + c]);
                }
            }
            return acc.put(shard.partition(), v);
        }, PartialSums::merge, 2);
        long n = 0;
        double[] mean = new double[size];
        double[] m2 = new double[size];
        for (double[] v : parts.parts()) {
            long nb = (long) v[0];
            if (nb == 0) {
                continue;
            }
            long total = n + nb;
            for (int c = 0; c < size; c++) {
                double delta = v[1 + c] - mean[c];
                mean[c] += delta * nb / total;
                m2[c] += v[1 + size + c] + delta * delta * n * nb / total;
            }
            n = total;
        }
        return new DataMoments(n, mean, m2);
    }

    long count() {
        return n;
    }

    /** The predictors' means x̄, where the intercept's prior is centred. */
    double[] predictorMeans() {
        return Arrays.copyOfRange(mean, 1, mean.length);
    }

    /** Sample standard deviation of column c (0 = y), or 1 when constant or single, as the GLM does. */
    private double positiveSd(int c) {
        if (n < 2) {
            return 1.0;
        }
        double sd = Math.sqrt(m2[c] / (n - 1));
        return sd > 0 ? sd : 1.0;
    }

    /**
     * The priors of every block: {@code overrides} by name ({@code beta} for every coefficient),
     * otherwise the data-scaled defaults of {@link GeneralizedLinearModel}.
     */
    Map<String, Prior> defaultPriors(GlmFamily family, List<String> columns, boolean intercept,
            Map<String, Prior> overrides) {
        for (String key : overrides.keySet()) {
            boolean known = key.equals(GeneralizedLinearModel.ALL_COEFFICIENTS) || columns.contains(key)
                    || (intercept && key.equals(GeneralizedLinearModel.INTERCEPT))
                    || (family == GlmFamily.LINEAR && key.equals(GeneralizedLinearModel.SIGMA));
            if (!known) {
                throw new IllegalArgumentException("prior for unknown parameter '" + key + "'; parameters are beta, "
                        + (intercept ? "intercept, " : "") + String.join(", ", columns)
                        + (family == GlmFamily.LINEAR ? ", sigma" : ""));
            }
        }
        double sdY = family == GlmFamily.LINEAR ? positiveSd(0) : 1.0;
        Map<String, Prior> result = new LinkedHashMap<>();
        if (intercept) {
            result.put(GeneralizedLinearModel.INTERCEPT, overrides.getOrDefault(GeneralizedLinearModel.INTERCEPT,
                    family == GlmFamily.LINEAR ? new Prior.Normal(mean[0], 10 * sdY) : new Prior.Normal(0, 10)));
        }
        for (int j = 0; j < columns.size(); j++) {
            String name = columns.get(j);
            Prior prior = overrides.get(name);
            if (prior == null) {
                prior = overrides.getOrDefault(GeneralizedLinearModel.ALL_COEFFICIENTS,
                        new Prior.Normal(0, 2.5 * sdY / positiveSd(j + 1)));
            }
            result.put(name, prior);
        }
        if (family == GlmFamily.LINEAR) {
            result.put(GeneralizedLinearModel.SIGMA,
                    overrides.getOrDefault(GeneralizedLinearModel.SIGMA, new Prior.Exponential(1.0 / sdY)));
        }
        return result;
    }
}
