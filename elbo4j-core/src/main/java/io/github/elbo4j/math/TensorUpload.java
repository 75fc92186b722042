package io.github.elbo4j.math;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Copies JVM float arrays into native tensors through one reusable direct buffer.
 *
 * <p>{@code NDManager.create(float[])} allocates a fresh direct buffer per call, which the JVM
 * frees only when a garbage collection happens to run: over a long training run those buffers
 * pile up as resident memory. Staging through one buffer and copying it into an engine-owned
 * tensor keeps native memory flat. Not thread-safe: one instance per training or evaluation loop.
 */
public final class TensorUpload {

    private ByteBuffer staging = ByteBuffer.allocateDirect(0);

    /** A new tensor of {@code shape} holding {@code values}, owned by {@code scope}. */
    public NDArray upload(NDManager scope, float[] values, Shape shape) {
        return upload(scope, values, 0, values.length, shape);
    }

    /** A new tensor of {@code shape} holding {@code values[offset, offset + length)}. */
    public NDArray upload(NDManager scope, float[] values, int offset, int length, Shape shape) {
        int bytes = Math.multiplyExact(length, Float.BYTES);
        if (staging.capacity() < bytes) {
            staging = ByteBuffer.allocateDirect(bytes).order(ByteOrder.nativeOrder());
        }
        staging.clear();
        staging.asFloatBuffer().put(values, offset, length);
        staging.limit(bytes);
        // The engine wraps the staging memory without copying it; duplicate() gives the tensor
        // memory of its own before the buffer is reused.
        try (NDArray view = scope.create(staging.slice().order(ByteOrder.nativeOrder()), shape, DataType.FLOAT32)) {
            NDArray copy = view.duplicate();
            copy.attach(scope);
            return copy;
        }
    }
}
