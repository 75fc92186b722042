package io.github.elbo4j.spark;

import io.github.elbo4j.vae.model.VaeModel;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * One loaded {@link VaeModel} per executor JVM and weights, shared by every task of that JVM.
 *
 * <p>Tasks of one scoring job would otherwise each upload the weights again; with the cache the
 * first task in a JVM loads them and the others reuse them (a bound model is safe to use from
 * several threads: every computation binds the weights to its own scope). Entries are keyed by a
 * SHA-256 hash of the architecture and the weights, so a retrained model never hits a stale entry.
 * At most {@link #CAPACITY} models are kept; the least recently used one that no task is using
 * is closed when a new one arrives.
 */
final class ModelCache {

    /** Models kept per JVM. */
    static final int CAPACITY = 4;

    private static final Map<String, Entry> ENTRIES = new LinkedHashMap<>(16, 0.75f, true);
    private static long loads;

    private static final class Entry {
        final VaeModel model;
        int users;

        Entry(VaeModel model) {
            this.model = model;
        }
    }

    private ModelCache() {}

    /** A lease on a cached model; closing it releases the model (it stays cached). */
    static final class Lease implements AutoCloseable {
        private final String key;
        private final VaeModel model;

        private Lease(String key, VaeModel model) {
            this.key = key;
            this.model = model;
        }

        VaeModel model() {
            return model;
        }

        @Override
        public void close() {
            synchronized (ENTRIES) {
                Entry e = ENTRIES.get(key);
                if (e != null && e.model == model) {
                    e.users--;
                }
            }
        }
    }

    /** The model for {@code key}, loaded with {@code loader} on first use in this JVM. */
    static Lease acquire(String key, Supplier<VaeModel> loader) {
        synchronized (ENTRIES) {
            Entry e = ENTRIES.get(key);
            if (e == null) {
                e = new Entry(loader.get());
                loads++;
                ENTRIES.put(key, e);
                evict();
            }
            e.users++;
            return new Lease(key, e.model);
        }
    }

    private static void evict() {
        Iterator<Map.Entry<String, Entry>> it = ENTRIES.entrySet().iterator();
        while (ENTRIES.size() > CAPACITY && it.hasNext()) {
            Entry e = it.next().getValue();
            if (e.users == 0) {
                e.model.close();
                it.remove();
            }
        }
    }

    /** Number of times a model was loaded in this JVM (for tests and diagnostics). */
    static long loads() {
        synchronized (ENTRIES) {
            return loads;
        }
    }

    /** The cache key of an architecture and its weights. */
    static String key(VaeSpec spec, float[] parameters) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            digest.update(spec.toConfig().toString().getBytes(StandardCharsets.UTF_8));
            digest.update(Double.toString(spec.gaussianScale()).getBytes(StandardCharsets.UTF_8));
            ByteBuffer buffer = ByteBuffer.allocate(4 * parameters.length).order(ByteOrder.LITTLE_ENDIAN);
            buffer.asFloatBuffer().put(parameters);
            digest.update(buffer.array());
            return HexFormat.of().formatHex(digest.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is not available", e);
        }
    }
}
