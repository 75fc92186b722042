package io.github.elbo4j.math;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;

/**
 * Batched linear algebra on lower-triangular factors, built from elementwise DJL operations because
 * DJL 0.35 offers neither a triangular solve nor a Cholesky factorisation.
 *
 * <p>{@link #solveLowerTriangular(NDArray, NDArray)} is row-oriented forward substitution (Golub
 * and Van Loan, <i>Matrix Computations</i>, 4th ed., Algorithm 3.1.1):
 *
 * <pre>
 *   X_i = (B_i − Σ_{j&lt;i} L_ij X_j) / L_ii,   i = 0 … d−1
 * </pre>
 *
 * which is backward stable (Higham, <i>Accuracy and Stability of Numerical Algorithms</i>, 2nd ed.,
 * Theorem 8.5) and differentiable through DJL autograd. It issues O(d) native calls, so it is meant
 * for the small event dimensions of Gaussian variational families; leading batch axes of the factor
 * and of the right-hand side broadcast against each other.
 */
public final class LinearAlgebra {

    private LinearAlgebra() {}

    /**
     * Solves {@code L X = B} for {@code X} with {@code L} lower triangular; entries of {@code L}
     * above the diagonal are never read.
     *
     * @param tril the factor, shape {@code [..., d, d]} with a non-zero diagonal
     * @param rhs the right-hand sides, shape {@code [..., d, k]}
     * @return {@code X = L⁻¹ B}, shape the broadcast of the batch axes followed by {@code [d, k]},
     *     attached to {@code rhs}' manager
     * @throws IllegalArgumentException if the shapes are not {@code [..., d, d]} and {@code [...,
     *     d, k]} with broadcastable batch axes
     */
    public static NDArray solveLowerTriangular(NDArray tril, NDArray rhs) {
        Shape ls = tril.getShape();
        Shape bs = rhs.getShape();
        if (ls.dimension() < 2 || ls.get(ls.dimension() - 1) != ls.get(ls.dimension() - 2)) {
            throw new IllegalArgumentException("triangular factor must have shape [..., d, d], got " + ls);
        }
        long d = ls.getLastDimension();
        if (bs.dimension() < 2 || bs.get(bs.dimension() - 2) != d) {
            throw new IllegalArgumentException(
                    "right-hand side must have shape [..., " + d + ", k] to match factor " + ls + ", got " + bs);
        }
        Broadcasting.broadcastShapes(ls.slice(0, ls.dimension() - 2), bs.slice(0, bs.dimension() - 2));
        try (ArrayScope scope = ArrayScope.open(rhs.getManager(), tril, rhs)) {
            NDList rows = new NDList((int) d);
            NDArray solved = null;
            for (long i = 0; i < d; i++) {
                NDArray row = rhs.get(new NDIndex("..., {}, :", i));
                if (i > 0) {
                    NDArray coefficients =
                            tril.get(new NDIndex("..., {}, :{}", i, i)).expandDims(-1);
                    row = row.sub(coefficients.mul(solved).sum(new int[] {-2}));
                }
                NDArray pivot = tril.get(new NDIndex("..., {}, {}", i, i)).expandDims(-1);
                rows.add(row.div(pivot));
                solved = NDArrays.stack(rows, -2);
            }
            return scope.ret(solved);
        }
    }

    /**
     * Solves {@code L x = b} for vectors: {@link #solveLowerTriangular(NDArray, NDArray)} with a
     * single right-hand side.
     *
     * @param tril the factor, shape {@code [..., d, d]}
     * @param rhs the right-hand side, shape {@code [..., d]}
     * @return {@code L⁻¹ b}, shape the broadcast batch axes followed by {@code [d]}, attached to
     *     {@code rhs}' manager
     */
    public static NDArray solveLowerTriangularVector(NDArray tril, NDArray rhs) {
        try (ArrayScope scope = ArrayScope.open(rhs.getManager(), tril, rhs)) {
            return scope.ret(solveLowerTriangular(tril, rhs.expandDims(-1)).squeeze(-1));
        }
    }

    /**
     * Zeroes the entries above the diagonal of the last two axes ({@code torch.tril}).
     *
     * @param matrix shape {@code [..., d, d]}
     * @return the lower triangle, attached to {@code matrix}' manager
     */
    public static NDArray lowerTriangle(NDArray matrix) {
        Shape s = matrix.getShape();
        int rows = (int) s.get(s.dimension() - 2);
        int cols = (int) s.get(s.dimension() - 1);
        float[] mask = new float[rows * cols];
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c <= Math.min(r, cols - 1); c++) {
                mask[r * cols + c] = 1f;
            }
        }
        try (ArrayScope scope = ArrayScope.open(matrix.getManager(), matrix)) {
            NDManager m = scope.manager();
            NDArray maskArray = m.create(mask, new Shape(rows, cols)).toType(matrix.getDataType(), false);
            return scope.ret(matrix.mul(maskArray));
        }
    }

    /**
     * The diagonal of the last two axes.
     *
     * @param matrix shape {@code [..., d, d]}
     * @return shape {@code [..., d]}, attached to {@code matrix}' manager
     */
    public static NDArray diagonal(NDArray matrix) {
        int rank = matrix.getShape().dimension();
        return matrix.diagonal(0, rank - 2, rank - 1);
    }

    /**
     * Swaps the last two axes.
     *
     * @param matrix shape {@code [..., m, n]}
     * @return shape {@code [..., n, m]}, attached to {@code matrix}' manager
     */
    public static NDArray transposeLastTwo(NDArray matrix) {
        int rank = matrix.getShape().dimension();
        return matrix.swapAxes(rank - 2, rank - 1);
    }
}
