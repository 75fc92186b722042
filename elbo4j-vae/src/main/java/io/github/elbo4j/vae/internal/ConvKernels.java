package io.github.elbo4j.vae.internal;

import io.github.elbo4j.vae.model.Architecture;
import java.util.Arrays;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The data movement of {@link FusedConvStep}'s convolutions with 4×4 kernels, stride 2 and
 * padding 1 ({@link Architecture}): im2col, its adjoint col2im, and the copies between feature
 * maps and the feature-major layout of the fully connected layers.
 *
 * <p>Feature maps are "planes" [C, H·W, B]: channel c's row (stride {@code ld}, a whole number of
 * vectors) holds position p = y·W + x of example b at p·B + b, the examples of one position side
 * by side. A convolution is then the product W·cols with cols = im2col(maps) of shape
 * [C·16, H'·W', B] (row c·16 + ky·4 + kx, PyTorch's [out, in, kh, kw] order of the kernel), and each
 * entry of cols is a run of B contiguous floats: im2col and col2im move whole runs
 * ({@code System.arraycopy} and one vector loop), not single elements.
 *
 * <p>A transposed convolution (PyTorch's {@code ConvTranspose2d}) is the adjoint of the
 * convolution of the same geometry: col2im(Wᵀ·maps), with the output padding of odd sizes the one
 * row and column that the convolution of the larger map reads and the smaller map's own
 * convolution would not produce.
 */
final class ConvKernels {

    private static final VectorSpecies<Float> S = VectorMath.S;
    private static final int V = S.length();

    /** Kernel taps per channel, 4 × 4. */
    static final int TAPS = Architecture.KERNEL * Architecture.KERNEL;

    private ConvKernels() {}

    /**
     * cols[c·16 + ky·4 + kx, (oy·ow + ox)·B + b] = maps[c, (iy·w + ix)·B + b] with iy = 2·oy − 1 + ky
     * and ix = 2·ox − 1 + kx, and 0 where (iy, ix) lies outside the h × w map: the patches of a
     * stride-2 convolution of maps of size h × w, whose output is oh × ow, for the channels c in
     * [{@code from}, {@code to}) (the rows of those channels). Columns past oh·ow·B are left as
     * they are.
     */
    static void im2col(
            float[] maps,
            int ldMaps,
            int from,
            int to,
            int batch,
            int h,
            int w,
            float[] cols,
            int ldCols,
            int oh,
            int ow) {
        for (int c = from; c < to; c++) {
            for (int ky = 0; ky < Architecture.KERNEL; ky++) {
                for (int kx = 0; kx < Architecture.KERNEL; kx++) {
                    int row = ((c * Architecture.KERNEL + ky) * Architecture.KERNEL + kx) * ldCols;
                    int first = firstInside(kx);
                    int end = endInside(kx, w, ow);
                    for (int oy = 0; oy < oh; oy++) {
                        int iy = Architecture.STRIDE * oy - Architecture.PADDING + ky;
                        int out = row + oy * ow * batch;
                        if (iy < 0 || iy >= h) {
                            Arrays.fill(cols, out, out + ow * batch, 0f);
                            continue;
                        }
                        int in = c * ldMaps + iy * w * batch;
                        Arrays.fill(cols, out, out + first * batch, 0f);
                        for (int ox = first; ox < end; ox++) {
                            int ix = Architecture.STRIDE * ox - Architecture.PADDING + kx;
                            System.arraycopy(maps, in + ix * batch, cols, out + ox * batch, batch);
                        }
                        Arrays.fill(cols, out + end * batch, out + ow * batch, 0f);
                    }
                }
            }
        }
    }

    /**
     * The adjoint of {@link #im2col} with the same arguments: maps = Σ over every tap of the
     * entries of cols that im2col would have read from each position, for the channels c in
     * [{@code from}, {@code to}): their first h·w·B columns overwritten, later columns left as
     * they are.
     */
    static void col2im(
            float[] cols,
            int ldCols,
            int from,
            int to,
            int batch,
            int h,
            int w,
            float[] maps,
            int ldMaps,
            int oh,
            int ow) {
        for (int c = from; c < to; c++) {
            Arrays.fill(maps, c * ldMaps, c * ldMaps + h * w * batch, 0f);
            for (int ky = 0; ky < Architecture.KERNEL; ky++) {
                for (int kx = 0; kx < Architecture.KERNEL; kx++) {
                    int row = ((c * Architecture.KERNEL + ky) * Architecture.KERNEL + kx) * ldCols;
                    int first = firstInside(kx);
                    int end = endInside(kx, w, ow);
                    for (int oy = 0; oy < oh; oy++) {
                        int iy = Architecture.STRIDE * oy - Architecture.PADDING + ky;
                        if (iy < 0 || iy >= h) {
                            continue;
                        }
                        int in = row + oy * ow * batch;
                        int out = c * ldMaps + iy * w * batch;
                        for (int ox = first; ox < end; ox++) {
                            int ix = Architecture.STRIDE * ox - Architecture.PADDING + kx;
                            addRun(cols, in + ox * batch, maps, out + ix * batch, batch);
                        }
                    }
                }
            }
        }
    }

    /** The first output column ox whose input column 2·ox − 1 + kx is inside the map. */
    private static int firstInside(int kx) {
        return kx < Architecture.PADDING ? 1 : 0;
    }

    /** One past the last output column ox (below ow) whose input column 2·ox − 1 + kx is below w. */
    private static int endInside(int kx, int w, int ow) {
        return Math.min(ow, Math.floorDiv(w - 1 + Architecture.PADDING - kx, Architecture.STRIDE) + 1);
    }

    /** dst[dstOff + i] += src[srcOff + i] for i &lt; n: whole vectors, then the rest one by one. */
    private static void addRun(float[] src, int srcOff, float[] dst, int dstOff, int n) {
        int whole = n - n % V;
        for (int i = 0; i < whole; i += V) {
            FloatVector.fromArray(S, dst, dstOff + i)
                    .add(FloatVector.fromArray(S, src, srcOff + i))
                    .intoArray(dst, dstOff + i);
        }
        for (int i = whole; i < n; i++) {
            dst[dstOff + i] += src[srcOff + i];
        }
    }

    /**
     * features[(c·cStride + p·pStride), b] = maps[c, p·B + b] for every channel c, position p and
     * example b &lt; B, features feature-major with row stride {@code ldFeatures}: the flattening
     * of the maps for a fully connected layer (cStride = positions, pStride = 1: PyTorch's
     * [C, H, W] order) or into channel-last image records (cStride = 1, pStride = channels).
     */
    static void toFeatures(
            float[] maps,
            int ldMaps,
            int channels,
            int positions,
            int batch,
            float[] features,
            int ldFeatures,
            int cStride,
            int pStride) {
        for (int c = 0; c < channels; c++) {
            for (int p = 0; p < positions; p++) {
                System.arraycopy(
                        maps, c * ldMaps + p * batch, features, (c * cStride + p * pStride) * ldFeatures, batch);
            }
        }
    }

    /** The inverse of {@link #toFeatures} with the same arguments: maps from feature-major rows. */
    static void fromFeatures(
            float[] features,
            int ldFeatures,
            int cStride,
            int pStride,
            float[] maps,
            int ldMaps,
            int channels,
            int positions,
            int batch) {
        for (int c = 0; c < channels; c++) {
            for (int p = 0; p < positions; p++) {
                System.arraycopy(
                        features, (c * cStride + p * pStride) * ldFeatures, maps, c * ldMaps + p * batch, batch);
            }
        }
    }
}
