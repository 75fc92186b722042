package io.github.elbo4j.spark;

import io.github.elbo4j.math.SpecialFunctions;
import io.github.elbo4j.vi.glm.GlmFamily;
import io.github.elbo4j.vi.glm.GlmLayout;
import io.github.elbo4j.vi.glm.GlmLikelihood;
import io.github.elbo4j.vi.glm.GlmRecordExpectation;
import java.io.Serializable;
import java.util.Arrays;
import java.util.Iterator;
import org.apache.spark.sql.Row;

/**
 * The records of one partition of a regression, packed into arrays and cached: predictors
 * row-major, responses, and for Poisson log y!. A partition with a bad record packs into a shard
 * that carries the problem instead of the records, so that the driver reports it as bad input
 * (the first job over the shards checks them: {@link DataMoments#of}) rather than as a failed task.
 *
 * @param partition partition index
 * @param rows number of records
 * @param predictors values per record p
 * @param x predictors, row-major {@code [rows][p]}
 * @param y responses
 * @param logFactorial log y! (Poisson), else null
 * @param problem what is wrong with the partition's first bad record, or null
 */
record GlmShard(int partition, int rows, int predictors, double[] x, double[] y, double[] logFactorial, String problem)
        implements Serializable {

    private static final long serialVersionUID = 1L;

    /** Packs a partition of (features, label) rows, validating every record. */
    static GlmShard pack(
            int partition, Iterator<Row> it, String featuresCol, String labelCol, int p, GlmFamily family) {
        Packer packer = new Packer(p, family);
        try {
            while (it.hasNext()) {
                Row row = it.next();
                double[] x = InputVectors.readDoubles(row, 0, featuresCol, p);
                if (row.isNullAt(1)) {
                    throw new IllegalArgumentException(
                            "label column '" + labelCol + "' is null in a row; drop or fill" + " missing values first");
                }
                packer.add(x, ((Number) row.get(1)).doubleValue(), labelCol);
            }
        } catch (IllegalArgumentException e) {
            return invalid(partition, e.getMessage());
        }
        return packer.pack(partition);
    }

    /** A shard that reports {@code problem} instead of holding records. */
    static GlmShard invalid(int partition, String problem) {
        return new GlmShard(partition, 0, 0, new double[0], new double[0], null, problem);
    }

    /** Collects one partition's records, checking each response, and packs them into a shard. */
    static final class Packer {

        private final int p;
        private final GlmFamily family;
        private double[] x;
        private double[] y = new double[16];
        private int n;

        Packer(int p, GlmFamily family) {
            this.p = p;
            this.family = family;
            this.x = new double[y.length * p];
        }

        /**
         * Adds a record.
         *
         * @throws IllegalArgumentException naming {@code labelCol} if y is not a valid response
         */
        void add(double[] predictors, double response, String labelCol) {
            String problem = family.responseProblem(response);
            if (problem != null) {
                throw new IllegalArgumentException("label column '" + labelCol + "': " + problem);
            }
            if (n == y.length) {
                y = Arrays.copyOf(y, 2 * n);
                x = Arrays.copyOf(x, 2 * n * p);
            }
            System.arraycopy(predictors, 0, x, n * p, p);
            y[n++] = response;
        }

        GlmShard pack(int partition) {
            double[] responses = Arrays.copyOf(y, n);
            double[] logFactorial = family == GlmFamily.POISSON ? new double[n] : null;
            for (int i = 0; logFactorial != null && i < n; i++) {
                logFactorial[i] = SpecialFunctions.logGamma(responses[i] + 1);
            }
            return new GlmShard(partition, n, p, Arrays.copyOf(x, n * p), responses, logFactorial, null);
        }
    }

    /**
     * The log likelihood of this shard's records at S parameter vectors, and optionally its
     * gradient, by the single-machine kernel {@link GlmLikelihood}. {@code theta} is {@code [S][q]}
     * row-major in the model's block order ({@code layout}).
     *
     * @param subset local record indices to sum over (with repetitions), or null for all
     * @return {@code [S]} values followed, when {@code gradient}, by {@code [S][q]} derivatives
     */
    double[] logLikelihood(
            GlmFamily family, GlmLayout layout, double[] theta, int particles, boolean gradient, int[] subset) {
        double[] values = new double[particles];
        double[] derivatives = gradient ? new double[particles * layout.parameters()] : null;
        GlmLikelihood.accumulate(family, layout, x, y, logFactorial, theta, particles, subset, values, derivatives);
        if (!gradient) {
            return values;
        }
        double[] result = Arrays.copyOf(values, particles + derivatives.length);
        System.arraycopy(derivatives, 0, result, particles, derivatives.length);
        return result;
    }

    /**
     * This shard's part of a logistic or Poisson regression's exact expected log likelihood under a
     * Gaussian guide ({@link GlmRecordExpectation#accumulate}).
     *
     * @param terms the records' terms over the fit's coordinates
     * @param mean the guide's mean, {@code [q]}
     * @param covariance its covariance, lower triangle of {@code [q][q]}
     * @return {@code Σ_i E_i}, then the mean's gradient {@code [q]}, then the outer term {@code [q][q]}
     */
    double[] expectation(GlmRecordExpectation terms, double[] mean, double[] covariance) {
        int q = mean.length;
        double[] meanGradient = new double[q];
        double[] outer = new double[q * q];
        double[] result = new double[1 + q + q * q];
        result[0] = terms.accumulate(terms.design(x, rows), y, logFactorial, mean, covariance, meanGradient, outer);
        System.arraycopy(meanGradient, 0, result, 1, q);
        System.arraycopy(outer, 0, result, 1 + q, q * q);
        return result;
    }
}
