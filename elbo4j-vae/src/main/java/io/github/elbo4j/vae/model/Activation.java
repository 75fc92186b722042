package io.github.elbo4j.vae.model;

import ai.djl.ndarray.NDArray;
import java.util.Arrays;
import java.util.Locale;

/** Hidden-layer nonlinearity of the encoder and decoder MLPs. */
public enum Activation {
    /** Hyperbolic tangent (the activation of Burda et al. 2015). */
    TANH,
    /** max(0, x). */
    RELU,
    /** log(1 + eˣ). */
    SOFTPLUS;

    /** Applies the nonlinearity elementwise. */
    public NDArray apply(NDArray x) {
        return switch (this) {
            case TANH -> x.tanh();
            case RELU -> x.getNDArrayInternal().relu();
            case SOFTPLUS -> x.getNDArrayInternal().softPlus();
        };
    }

    /** The lower-case name used on the command line and in {@code model.json}. */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses {@code tanh}, {@code relu} or {@code softplus} (case-insensitive). */
    public static Activation parse(String text) {
        for (Activation a : values()) {
            if (a.id().equalsIgnoreCase(text.trim())) {
                return a;
            }
        }
        throw new IllegalArgumentException("unknown activation '" + text + "'; choose one of "
                + Arrays.stream(values()).map(Activation::id).toList());
    }
}
