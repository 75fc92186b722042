package io.github.elbo4j.vae.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.github.elbo4j.vae.model.Architecture;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * im2col against the convolution's definition, col2im as its adjoint, and the feature copies as
 * each other's inverse, on even and odd map sizes.
 */
class ConvKernelsTest {

    @ParameterizedTest(name = "{0} channels, batch {1}, {2}×{3}")
    @CsvSource({"2, 3, 8, 8", "3, 5, 7, 9", "1, 1, 28, 28", "2, 4, 5, 4"})
    void im2colTimesTheKernelIsTheStrideTwoConvolutionAndCol2imIsItsAdjoint(int channels, int batch, int h, int w) {
        int oh = Architecture.convolved(h);
        int ow = Architecture.convolved(w);
        int ldMaps = ColumnKernels.padded(h * w * batch) + 3;
        int ldCols = ColumnKernels.padded(oh * ow * batch);
        SplittableRandom random = new SplittableRandom(channels * 31L + h);
        float[] maps = new float[channels * ldMaps];
        for (int i = 0; i < maps.length; i++) {
            maps[i] = (float) random.nextGaussian();
        }
        float[] cols = new float[channels * ConvKernels.TAPS * ldCols];
        ConvKernels.im2col(maps, ldMaps, 0, channels, batch, h, w, ow, 0, oh * ow, cols, ldCols);
        // Taken a few positions at a time, into a tile as wide as those positions: the same columns.
        int tile = 3;
        float[] tiles = new float[channels * ConvKernels.TAPS * tile * batch];
        for (int from = 0; from < oh * ow; from += tile) {
            int to = Math.min(oh * ow, from + tile);
            ConvKernels.im2col(maps, ldMaps, 0, channels, batch, h, w, ow, from, to, tiles, tile * batch);
            for (int r = 0; r < channels * ConvKernels.TAPS; r++) {
                for (int j = 0; j < (to - from) * batch; j++) {
                    assertThat(tiles[r * tile * batch + j]).isEqualTo(cols[r * ldCols + from * batch + j]);
                }
            }
        }
        // Each entry against its definition: the input at (2·oy − 1 + ky, 2·ox − 1 + kx), or 0 outside.
        for (int c = 0; c < channels; c++) {
            for (int ky = 0; ky < 4; ky++) {
                for (int kx = 0; kx < 4; kx++) {
                    for (int oy = 0; oy < oh; oy++) {
                        for (int ox = 0; ox < ow; ox++) {
                            for (int b = 0; b < batch; b++) {
                                int iy = 2 * oy - 1 + ky;
                                int ix = 2 * ox - 1 + kx;
                                float expected = iy < 0 || iy >= h || ix < 0 || ix >= w
                                        ? 0f
                                        : maps[c * ldMaps + (iy * w + ix) * batch + b];
                                assertThat(cols[(c * 16 + ky * 4 + kx) * ldCols + (oy * ow + ox) * batch + b])
                                        .isEqualTo(expected);
                            }
                        }
                    }
                }
            }
        }
        // <im2col(m), y> = <m, col2im(y)> over the real columns.
        float[] y = new float[cols.length];
        for (int i = 0; i < y.length; i++) {
            y[i] = (float) random.nextGaussian();
        }
        float[] back = new float[maps.length];
        ConvKernels.col2im(y, ldCols, 0, channels, batch, h, w, ow, 0, oh * ow, back, ldMaps);
        double left = 0;
        for (int r = 0; r < channels * 16; r++) {
            for (int j = 0; j < oh * ow * batch; j++) {
                left += (double) cols[r * ldCols + j] * y[r * ldCols + j];
            }
        }
        double right = 0;
        for (int c = 0; c < channels; c++) {
            for (int j = 0; j < h * w * batch; j++) {
                right += (double) maps[c * ldMaps + j] * back[c * ldMaps + j];
            }
        }
        assertThat(left).isCloseTo(right, within(1e-4 * Math.abs(right) + 1e-4));
    }

    @ParameterizedTest(name = "{0} channels, {1} positions, batch {2}")
    @CsvSource({"3, 4, 5", "1, 9, 16", "4, 1, 2"})
    void featureCopiesInvertEachOther(int channels, int positions, int batch) {
        int ldMaps = ColumnKernels.padded(positions * batch);
        int ld = ColumnKernels.padded(batch);
        float[] maps = new float[channels * ldMaps];
        for (int c = 0; c < channels; c++) {
            for (int j = 0; j < positions * batch; j++) {
                maps[c * ldMaps + j] = c * 1000 + j;
            }
        }
        for (boolean channelMajor : new boolean[] {true, false}) {
            int cStride = channelMajor ? positions : 1;
            int pStride = channelMajor ? 1 : channels;
            float[] features = new float[channels * positions * ld];
            ConvKernels.toFeatures(maps, ldMaps, channels, positions, batch, features, ld, cStride, pStride);
            for (int c = 0; c < channels; c++) {
                for (int p = 0; p < positions; p++) {
                    for (int b = 0; b < batch; b++) {
                        assertThat(features[(c * cStride + p * pStride) * ld + b])
                                .isEqualTo(maps[c * ldMaps + p * batch + b]);
                    }
                }
            }
            float[] back = new float[maps.length];
            ConvKernels.fromFeatures(features, ld, cStride, pStride, back, ldMaps, channels, positions, batch);
            assertThat(back).containsExactly(maps);
        }
    }
}
