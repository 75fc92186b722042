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
     * cols[c·16 + ky·4 + kx, (p − fromPos)·B + b] = maps[c, (iy·w + ix)·B + b] for the output
     * positions p = oy·ow + ox in [{@code fromPos}, {@code toPos}), with iy = 2·oy − 1 + ky and
     * ix = 2·ox − 1 + kx, and 0 where (iy, ix) lies outside the h × w map: the patches of a stride-2
     * convolution of maps of size h × w whose output is ow wide, for the channels c in
     * [{@code fromChannel}, {@code toChannel}) (the rows of those channels). A range of positions
     * is a block of whole columns, so that a step can take the product a tile at a time.
     */
    static void im2col(
            float[] maps,
            int ldMaps,
            int fromChannel,
            int toChannel,
            int batch,
            int h,
            int w,
            int ow,
            int fromPos,
            int toPos,
            float[] cols,
            int ldCols) {
        for (int c = fromChannel; c < toChannel; c++) {
            for (int tap = 0; tap < TAPS; tap++) {
                int ky = tap / Architecture.KERNEL;
                int kx = tap % Architecture.KERNEL;
                int row = (c * TAPS + tap) * ldCols - fromPos * batch;
                for (int pos = fromPos; pos < toPos; pos++) {
                    int iy = Architecture.STRIDE * (pos / ow) - Architecture.PADDING + ky;
                    int ix = Architecture.STRIDE * (pos % ow) - Architecture.PADDING + kx;
                    int out = row + pos * batch;
                    if (iy < 0 || iy >= h || ix < 0 || ix >= w) {
                        Arrays.fill(cols, out, out + batch, 0f);
                    } else {
                        System.arraycopy(maps, c * ldMaps + (iy * w + ix) * batch, cols, out, batch);
                    }
                }
            }
        }
    }

    /**
     * The adjoint of {@link #im2col} with the same arguments, added to the maps: every entry of
     * cols is added to the map position that im2col would have read it from. The caller clears the
     * maps before the first range.
     */
    static void col2im(
            float[] cols,
            int ldCols,
            int fromChannel,
            int toChannel,
            int batch,
            int h,
            int w,
            int ow,
            int fromPos,
            int toPos,
            float[] maps,
            int ldMaps) {
        for (int c = fromChannel; c < toChannel; c++) {
            for (int tap = 0; tap < TAPS; tap++) {
                int ky = tap / Architecture.KERNEL;
                int kx = tap % Architecture.KERNEL;
                int row = (c * TAPS + tap) * ldCols - fromPos * batch;
                for (int pos = fromPos; pos < toPos; pos++) {
                    int iy = Architecture.STRIDE * (pos / ow) - Architecture.PADDING + ky;
                    int ix = Architecture.STRIDE * (pos % ow) - Architecture.PADDING + kx;
                    if (iy >= 0 && iy < h && ix >= 0 && ix < w) {
                        addRun(cols, row + pos * batch, maps, c * ldMaps + (iy * w + ix) * batch, batch);
                    }
                }
            }
        }
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
