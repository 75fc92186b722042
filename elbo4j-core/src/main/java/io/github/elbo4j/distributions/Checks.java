package io.github.elbo4j.distributions;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import io.github.elbo4j.math.Broadcasting;

/** Argument validation shared by the distributions, with messages that say what to pass. */
final class Checks {

    private Checks() {}

    static Shape sampleShape(long numSamples, Shape batch, Shape event) {
        if (numSamples < 1) {
            throw new IllegalArgumentException("numSamples must be at least 1, got " + numSamples);
        }
        return new Shape(numSamples).addAll(batch).addAll(event);
    }

    static void noiseShape(String family, NDArray noise, Shape batch, Shape event) {
        Shape expected = batch.addAll(event);
        if (!Broadcasting.endsWith(noise.getShape(), expected)) {
            throw new IllegalArgumentException(family
                    + ".rsample: standard noise must have shape [S, ...batch, ...event] or"
                    + " [...batch, ...event] with batch+event "
                    + expected
                    + ", got "
                    + noise.getShape());
        }
    }

    static void eventSize(String family, NDArray value, long size) {
        Shape s = value.getShape();
        if (s.dimension() == 0 || s.getLastDimension() != size) {
            throw new IllegalArgumentException(family
                    + ".logProb: the last axis of the value is the event and must have size"
                    + " "
                    + size
                    + ", got shape "
                    + s);
        }
    }

    static Shape atLeastVector(String family, String name, NDArray parameter) {
        Shape s = parameter.getShape();
        if (s.dimension() == 0) {
            throw new IllegalArgumentException(family
                    + ": "
                    + name
                    + " must have at least one axis (the event axis is the last one), got a"
                    + " scalar; reshape it to [1] for a one-dimensional event");
        }
        return s;
    }

    static Shape broadcast(String family, Shape a, Shape b) {
        try {
            return Broadcasting.broadcastShapes(a, b);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(family + ": parameter " + e.getMessage(), e);
        }
    }
}
