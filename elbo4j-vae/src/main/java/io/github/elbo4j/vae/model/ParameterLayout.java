package io.github.elbo4j.vae.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Names, shapes and offsets of the tensors packed into one flat parameter vector.
 *
 * <p>Packing every weight into one vector lets an optimizer update all of them with a few fused
 * operations and makes the vector, not a map of tensors, the unit of checkpointing.
 */
public final class ParameterLayout {

    /** One named tensor of the layout. */
    public record Entry(String name, long[] shape, long offset, long size) {}

    private final List<Entry> entries;
    private final long[] splitPoints;
    private final long totalSize;

    private ParameterLayout(List<Entry> entries) {
        this.entries = List.copyOf(entries);
        this.splitPoints = new long[entries.size() - 1];
        for (int i = 1; i < entries.size(); i++) {
            splitPoints[i - 1] = entries.get(i).offset();
        }
        Entry last = entries.get(entries.size() - 1);
        this.totalSize = last.offset() + last.size();
    }

    /** Starts an empty layout. */
    public static Builder builder() {
        return new Builder();
    }

    /** Entries in packing order. */
    public List<Entry> entries() {
        return entries;
    }

    /** Total number of scalar parameters. */
    public long totalSize() {
        return totalSize;
    }

    /**
     * Splits a flat vector into views, one per entry, reshaped and keyed by the entry's name, in
     * layout order; the views share the vector's storage (so gradients flow to it) and are attached
     * to {@code scope}.
     */
    public Map<String, NDArray> named(NDArray flat, NDManager scope) {
        NDList parts = flat.split(splitPoints);
        Map<String, NDArray> views = new LinkedHashMap<>();
        for (int i = 0; i < entries.size(); i++) {
            NDArray part = parts.get(i);
            part.attach(scope);
            NDArray view = part.reshape(new Shape(entries.get(i).shape()));
            view.attach(scope);
            views.put(entries.get(i).name(), view);
        }
        return views;
    }

    /** The entry named {@code name}; an {@link IllegalStateException} when the layout has none. */
    public Entry entry(String name) {
        return entries.stream()
                .filter(e -> e.name().equals(name))
                .findFirst()
                .orElseThrow(() -> new IllegalStateException("no weight " + name + " in the layout"));
    }

    /** Unpacks a flat float array into named tensors, in layout order. */
    public Map<String, Tensor> unpack(float[] flat) {
        if (flat.length != totalSize) {
            throw new IllegalArgumentException(
                    "parameter vector has " + flat.length + " values, layout needs " + totalSize);
        }
        Map<String, Tensor> named = new LinkedHashMap<>();
        for (Entry e : entries) {
            float[] data = new float[(int) e.size()];
            System.arraycopy(flat, (int) e.offset(), data, 0, data.length);
            named.put(e.name(), new Tensor(e.shape(), data));
        }
        return named;
    }

    /**
     * Packs named tensors into a flat array, checking that every name is present with the right
     * shape and that there are no extra names.
     */
    public float[] pack(Map<String, Tensor> named, String source) {
        float[] flat = new float[(int) totalSize];
        for (Entry e : entries) {
            Tensor t = named.get(e.name());
            if (t == null) {
                throw new IllegalArgumentException(source + ": missing weight '" + e.name() + "'");
            }
            if (!java.util.Arrays.equals(t.shape(), e.shape())) {
                throw new IllegalArgumentException(source + ": weight '" + e.name() + "' has shape "
                        + java.util.Arrays.toString(t.shape()) + ", the model needs "
                        + java.util.Arrays.toString(e.shape()));
            }
            System.arraycopy(t.data(), 0, flat, (int) e.offset(), t.data().length);
        }
        for (String name : named.keySet()) {
            if (entries.stream().noneMatch(e -> e.name().equals(name))) {
                throw new IllegalArgumentException(source + ": unexpected weight '" + name + "' for this model");
            }
        }
        return flat;
    }

    /** Accumulates entries in order. */
    public static final class Builder {
        private final List<Entry> entries = new ArrayList<>();
        private long offset;

        /** Appends a tensor of the given shape. */
        public Builder add(String name, long... shape) {
            long size = 1;
            for (long d : shape) {
                size *= d;
            }
            entries.add(new Entry(name, shape.clone(), offset, size));
            offset += size;
            return this;
        }

        /** Builds the layout; at least one entry is required. */
        public ParameterLayout build() {
            if (entries.isEmpty()) {
                throw new IllegalStateException("a parameter layout needs at least one tensor");
            }
            return new ParameterLayout(entries);
        }
    }
}
