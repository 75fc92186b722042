package io.github.elbo4j.vi.model;

import io.github.elbo4j.vi.autodiff.Value;

/** The same elements in another shape, e.g. a structured parameter's vector as its matrix. */
final class Reshape {

    private Reshape() {}

    static Value of(Value x, int[] shape) {
        return Value.derive(
                shape,
                x.values(),
                g -> {
                    double[] target = x.adjoint();
                    for (int i = 0; i < g.length; i++) {
                        target[i] += g[i];
                    }
                },
                x);
    }
}
