package io.github.elbo4j.vi.diagnostics;

/**
 * How far the importance weights move each coordinate's mean, in sds of q: the check that sees a q
 * of the right shape in the wrong place. k̂ cannot see it when q is a little off-centre but not too
 * narrow (the ratios' tail stays light: Laplace on mesquite has k̂ = 0.23 with σ's mean 0.70 sd
 * off), yet the weights, when k̂ ≤ 0.7 makes them trustworthy, pull the mean back towards the
 * posterior's.
 *
 * <p>The shift of coordinate i is {@code (Σ_s w̃_s z_si − (1/S) Σ_s z_si) / σ_i} with w̃ the
 * normalised weights, so the Monte Carlo error of q's own draws cancels; its standard error is
 * {@code √(Σ_s (w̃_s − 1/S)² (z_si − z̄_i)²) / σ_i}.
 *
 * @param shifts per coordinate, the weighted minus the unweighted mean of the draws, in q's sds
 * @param standardErrors per coordinate, the Monte Carlo standard error of that shift
 */
public record ImportanceShift(double[] shifts, double[] standardErrors) {

    /** Copies the arrays. */
    public ImportanceShift {
        shifts = shifts.clone();
        standardErrors = standardErrors.clone();
    }

    @Override
    public double[] shifts() {
        return shifts.clone();
    }

    @Override
    public double[] standardErrors() {
        return standardErrors.clone();
    }

    /**
     * Measures the shifts.
     *
     * @param draws q's draws over the unconstrained space, {@code [S][D]}
     * @param logWeights their (smoothed) log importance weights, unnormalised; −∞ for none
     * @param qSds q's sd of each coordinate
     * @return the shifts
     */
    public static ImportanceShift of(double[][] draws, double[] logWeights, double[] qSds) {
        int s = draws.length;
        int d = qSds.length;
        double max = Double.NEGATIVE_INFINITY;
        for (double w : logWeights) {
            max = Math.max(max, w);
        }
        double[] weights = new double[s];
        double total = 0;
        for (int k = 0; k < s; k++) {
            weights[k] = Math.exp(logWeights[k] - max);
            total += weights[k];
        }
        double[] shifts = new double[d];
        double[] errors = new double[d];
        for (int i = 0; i < d; i++) {
            double plain = 0;
            for (double[] draw : draws) {
                plain += draw[i];
            }
            plain /= s;
            double shift = 0;
            double variance = 0;
            for (int k = 0; k < s; k++) {
                double excess = weights[k] / total - 1.0 / s;
                double centred = draws[k][i] - plain;
                shift += excess * centred;
                variance += excess * excess * centred * centred;
            }
            shifts[i] = shift / qSds[i];
            errors[i] = Math.sqrt(variance) / qSds[i];
        }
        return new ImportanceShift(shifts, errors);
    }

    /** The coordinate with the largest |shift| that is also beyond noise ({@code |shift| > 3 se}); −1 if none. */
    public int largestSignificant() {
        int largest = -1;
        for (int i = 0; i < shifts.length; i++) {
            boolean significant = Math.abs(shifts[i]) > 3 * standardErrors[i];
            if (significant && (largest < 0 || Math.abs(shifts[i]) > Math.abs(shifts[largest]))) {
                largest = i;
            }
        }
        return largest;
    }
}
