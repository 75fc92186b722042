package io.github.elbo4j.vi;

/**
 * The Cholesky factorisation of a small dense symmetric positive-definite matrix, in doubles: the
 * one implementation the fits, their diagnostics and their moment-matched draws share.
 */
public final class DenseCholesky {

    private DenseCholesky() {}

    /**
     * Returns L with {@code A = L Lᵀ} (Golub and Van Loan, <i>Matrix Computations</i>, 4th ed.,
     * Algorithm 4.2.1).
     *
     * @param a symmetric positive definite; only the lower triangle is read
     * @return the lower-triangular factor
     * @throws IllegalArgumentException if A is not positive definite
     */
    public static double[][] factor(double[][] a) {
        int n = a.length;
        double[][] l = new double[n][n];
        for (int j = 0; j < n; j++) {
            double diagonal = a[j][j];
            for (int k = 0; k < j; k++) {
                diagonal -= l[j][k] * l[j][k];
            }
            if (!(diagonal > 0) || diagonal == Double.POSITIVE_INFINITY) {
                throw new IllegalArgumentException(
                        "matrix is not positive definite (pivot " + j + " is " + diagonal + ")");
            }
            l[j][j] = Math.sqrt(diagonal);
            for (int i = j + 1; i < n; i++) {
                double sum = a[i][j];
                for (int k = 0; k < j; k++) {
                    sum -= l[i][k] * l[j][k];
                }
                l[i][j] = sum / l[j][j];
            }
        }
        return l;
    }

    /**
     * {@code A⁻¹ = L⁻ᵀ L⁻¹} from the factor of A, by inverting the triangle column by column.
     *
     * @param l the lower-triangular factor returned by {@link #factor}
     * @return the symmetric inverse of {@code A = L Lᵀ}
     */
    public static double[][] inverseFromFactor(double[][] l) {
        int n = l.length;
        double[][] inverseL = new double[n][n];
        for (int j = 0; j < n; j++) {
            inverseL[j][j] = 1.0 / l[j][j];
            for (int i = j + 1; i < n; i++) {
                double sum = 0;
                for (int k = j; k < i; k++) {
                    sum += l[i][k] * inverseL[k][j];
                }
                inverseL[i][j] = -sum / l[i][i];
            }
        }
        double[][] inverse = new double[n][n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j <= i; j++) {
                double sum = 0;
                for (int k = i; k < n; k++) {
                    sum += inverseL[k][i] * inverseL[k][j];
                }
                inverse[i][j] = sum;
                inverse[j][i] = sum;
            }
        }
        return inverse;
    }

    /**
     * The factor, or null when A is not positive definite (or not finite).
     *
     * @param a symmetric; only the lower triangle is read
     * @return L or null
     */
    public static double[][] tryFactor(double[][] a) {
        for (double[] row : a) {
            for (double v : row) {
                if (Double.isNaN(v)) {
                    return null;
                }
            }
        }
        try {
            return factor(a);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /**
     * Solves {@code L x = b} by forward substitution.
     *
     * @param l lower triangular with a non-zero diagonal
     * @param b the right-hand side
     * @return x
     */
    public static double[] solveLower(double[][] l, double[] b) {
        double[] x = new double[b.length];
        for (int i = 0; i < b.length; i++) {
            double sum = b[i];
            for (int k = 0; k < i; k++) {
                sum -= l[i][k] * x[k];
            }
            x[i] = sum / l[i][i];
        }
        return x;
    }

    /** {@code log det(L Lᵀ) = 2 Σ log L_ii}. */
    public static double logDeterminant(double[][] l) {
        double sum = 0;
        for (int i = 0; i < l.length; i++) {
            sum += 2 * Math.log(l[i][i]);
        }
        return sum;
    }
}
