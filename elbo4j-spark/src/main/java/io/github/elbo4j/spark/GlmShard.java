package io.github.elbo4j.spark;

import io.github.elbo4j.math.SpecialFunctions;
import io.github.elbo4j.vi.glm.GlmFamily;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.sql.Row;

/**
 * The records of one partition of a regression, packed into arrays and cached: predictors
 * row-major, responses, and for Poisson log y!.
 *
 * @param partition partition index
 * @param rows number of records
 * @param predictors values per record p
 * @param x predictors, row-major {@code [rows][p]}
 * @param y responses
 * @param logFactorial log y! (Poisson), else null
 */
record GlmShard(int partition, int rows, int predictors, double[] x, double[] y, double[] logFactorial)
        implements Serializable {

    private static final long serialVersionUID = 1L;

    /** Packs a partition of (features, label) rows, validating every record. */
    static GlmShard pack(int partition, Iterator<Row> it, String featuresCol, String labelCol, int p,
            GlmFamily family) {
        List<double[]> xs = new ArrayList<>();
        List<Double> ys = new ArrayList<>();
        while (it.hasNext()) {
            Row row = it.next();
            double[] x = InputVectors.readDoubles(row, 0, featuresCol, p);
            if (row.isNullAt(1)) {
                throw new IllegalArgumentException("label column '" + labelCol + "' is null in a row; drop or fill"
                        + " missing values first");
            }
            double y = ((Number) row.get(1)).doubleValue();
            String problem = family.responseProblem(y);
            if (problem != null) {
                throw new IllegalArgumentException("label column '" + labelCol + "': " + problem);
            }
            xs.add(x);
            ys.add(y);
        }
        int n = xs.size();
        double[] x = new double[n * p];
        double[] y = new double[n];
        double[] logFactorial = family == GlmFamily.POISSON ? new double[n] : null;
        for (int i = 0; i < n; i++) {
            System.arraycopy(xs.get(i), 0, x, i * p, p);
            y[i] = ys.get(i);
            if (logFactorial != null) {
                logFactorial[i] = SpecialFunctions.logGamma(y[i] + 1);
            }
        }
        return new GlmShard(partition, n, p, x, y, logFactorial);
    }

    /**
     * The log likelihood of this shard's records at S parameter vectors, and optionally its
     * gradient. {@code theta} is {@code [S][q]} row-major in the model's block order: intercept
     * (if {@code interceptIndex ≥ 0}), coefficients from {@code firstCoefficient}, σ (if
     * {@code sigmaIndex ≥ 0}).
     *
     * @return {@code [S]} values followed, when {@code gradient}, by {@code [S][q]} derivatives
     */
    double[] logLikelihood(GlmFamily family, double[] theta, int particles, int q, int interceptIndex,
            int firstCoefficient, int sigmaIndex, boolean gradient) {
        return logLikelihood(family, theta, particles, q, interceptIndex, firstCoefficient, sigmaIndex, gradient, null);
    }

    /**
     * As {@link #logLikelihood(GlmFamily, double[], int, int, int, int, int, boolean)}, over the
     * local records {@code subset} (with repetitions) instead of all of them when not null.
     */
    double[] logLikelihood(GlmFamily family, double[] theta, int particles, int q, int interceptIndex,
            int firstCoefficient, int sigmaIndex, boolean gradient, int[] subset) {
        int count = subset == null ? rows : subset.length;
        double[] result = new double[particles * (gradient ? q + 1 : 1)];
        int p = predictors;
        for (int s = 0; s < particles; s++) {
            int t = s * q;
            double alpha = interceptIndex >= 0 ? theta[t + interceptIndex] : 0;
            double sigma = sigmaIndex >= 0 ? theta[t + sigmaIndex] : 1;
            double logSigma = Math.log(sigma);
            double total = 0;
            double dAlpha = 0;
            double dSigma = 0;
            double[] dBeta = gradient ? new double[p] : null;
            for (int k = 0; k < count; k++) {
                int i = subset == null ? k : subset[k];
                double eta = alpha;
                int r = i * p;
                for (int j = 0; j < p; j++) {
                    eta += theta[t + firstCoefficient + j] * x[r + j];
                }
                double yi = y[i];
                double dEta;
                switch (family) {
                    case LINEAR -> {
                        double z = (yi - eta) / sigma;
                        total += -0.5 * z * z - logSigma - SpecialFunctions.HALF_LOG_2PI;
                        dEta = z / sigma;
                        dSigma += (z * z - 1) / sigma;
                    }
                    case LOGISTIC -> {
                        // One exponential serves both: softplus(η) = max(η, 0) + log(1 + e^−|η|) and
                        // the logistic function (the derivative of softplus).
                        double e = Math.exp(-Math.abs(eta));
                        total += yi * eta - (Math.max(eta, 0) + Math.log1p(e));
                        dEta = yi - (eta >= 0 ? 1 / (1 + e) : e / (1 + e));
                    }
                    default -> {
                        double rate = Math.exp(eta);
                        total += yi * eta - rate - logFactorial[i];
                        dEta = yi - rate;
                    }
                }
                if (gradient) {
                    dAlpha += dEta;
                    for (int j = 0; j < p; j++) {
                        dBeta[j] += dEta * x[r + j];
                    }
                }
            }
            result[s] = total;
            if (gradient) {
                int g = particles + t;
                if (interceptIndex >= 0) {
                    result[g + interceptIndex] = dAlpha;
                }
                for (int j = 0; j < p; j++) {
                    result[g + firstCoefficient + j] = dBeta[j];
                }
                if (sigmaIndex >= 0) {
                    result[g + sigmaIndex] = dSigma;
                }
            }
        }
        return result;
    }
}
