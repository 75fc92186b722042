package io.github.elbo4j.vae.model;

import io.github.elbo4j.data.SettingException;
import java.util.Arrays;
import java.util.Locale;

/** The encoder and decoder networks of a VAE. */
public enum Architecture {
    /** Fully connected layers on the flattened input. */
    MLP,
    /**
     * Convolutional (for images of shape [H, W] or [H, W, C], channel-last): stride-2 convolutions
     * with 4×4 kernels and padding 1 halve the size at each layer, then the fully connected
     * {@code hidden} layers and the two heads; the decoder mirrors it with transposed convolutions
     * whose output padding restores odd sizes exactly. Weights use PyTorch's layouts: {@code Conv2d}
     * [out, in, kh, kw], {@code ConvTranspose2d} [in, out, kh, kw].
     */
    CONV;

    /** Kernel size of every (transposed) convolution. */
    public static final int KERNEL = 4;
    /** Stride of every (transposed) convolution. */
    public static final int STRIDE = 2;
    /** Padding of every (transposed) convolution. */
    public static final int PADDING = 1;

    /** {@code mlp} or {@code conv}. */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses {@code mlp} or {@code conv}. */
    public static Architecture parse(String text) {
        for (Architecture a : values()) {
            if (a.id().equals(text == null ? "" : text.strip().toLowerCase(Locale.ROOT))) {
                return a;
            }
        }
        throw new SettingException(
                "architecture must be one of "
                        + Arrays.stream(values()).map(Architecture::id).toList() + ", got '" + text + "'",
                "architecture");
    }

    /** The spatial size after one stride-2 convolution: ⌊(n + 2p − k)/s⌋ + 1. */
    public static int convolved(int n) {
        return Math.floorDiv(n + 2 * PADDING - KERNEL, STRIDE) + 1;
    }
}
