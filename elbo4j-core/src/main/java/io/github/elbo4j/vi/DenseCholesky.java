package io.github.elbo4j.vi;

/** The Cholesky factorisation of a small dense symmetric positive-definite matrix, in doubles. */
final class DenseCholesky {

    private DenseCholesky() {}

    /**
     * Returns L with {@code A = L Lᵀ} (Golub and Van Loan, <i>Matrix Computations</i>, 4th ed.,
     * Algorithm 4.2.1).
     *
     * @param a symmetric positive definite; only the lower triangle is read
     * @return the lower-triangular factor
     * @throws IllegalArgumentException if A is not positive definite
     */
    static double[][] factor(double[][] a) {
        int n = a.length;
        double[][] l = new double[n][n];
        for (int j = 0; j < n; j++) {
            double diagonal = a[j][j];
            for (int k = 0; k < j; k++) {
                diagonal -= l[j][k] * l[j][k];
            }
            if (!(diagonal > 0)) {
                throw new IllegalArgumentException("matrix is not positive definite (pivot " + j + " is "
                        + diagonal + ")");
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
}
