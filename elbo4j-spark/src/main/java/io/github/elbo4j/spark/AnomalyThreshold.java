package io.github.elbo4j.spark;

import io.github.elbo4j.math.TensorUpload;
import io.github.elbo4j.vae.model.VaeModel;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;

/**
 * The anomaly threshold of a trained VAE: the {@code q}-quantile of the training rows' anomaly
 * scores −ELBO(x), computed exactly as the value of rank ⌈q·n⌉ − 1 in ascending order (the lower
 * empirical quantile).
 *
 * <p>One Spark job: each shard scores its rows and returns them as one float array (an ELBO is a
 * float, so nothing is rounded), and the driver sorts the n scores. The driver holds 4 bytes per
 * training row for a moment (40 MB for ten million rows), a small fraction of the shards, which
 * hold {@code 4 · features} bytes per row; a distributed sort would cost several jobs and a shuffle.
 */
final class AnomalyThreshold {

    private static final int CHUNK = 500;

    private AnomalyThreshold() {}

    static double quantile(
            JavaSparkContext sc, JavaRDD<Shard> shards, VaeSpec spec, float[] parameters, long seed, double q) {
        String key = ModelCache.key(spec, parameters);
        Broadcast<float[]> weights = sc.broadcast(parameters);
        try {
            List<float[]> parts = shards.map(shard -> {
                        float[] scores = new float[shard.rows()];
                        TensorUpload upload = new TensorUpload();
                        try (ModelCache.Lease lease = ModelCache.acquire(
                                key,
                                () -> VaeModel.fromParameters(spec.toConfig(), weights.value(), VaeCompute.base()))) {
                            for (int from = 0; from < shard.rows(); from += CHUNK) {
                                int to = Math.min(shard.rows(), from + CHUNK);
                                float[] x = Arrays.copyOfRange(
                                        shard.values(), from * shard.features(), to * shard.features());
                                long[] rowSeeds = new long[to - from];
                                for (int i = from; i < to; i++) {
                                    rowSeeds[i - from] = VaeCompute.rowSeed(
                                            seed,
                                            Arrays.copyOfRange(
                                                    shard.values(), i * shard.features(), (i + 1) * shard.features()));
                                }
                                float[] elbo = VaeCompute.score(lease.model(), x, to - from, 0, rowSeeds, null, upload)
                                        .elbo();
                                for (int i = 0; i < elbo.length; i++) {
                                    scores[from + i] = -elbo[i];
                                }
                            }
                        }
                        return scores;
                    })
                    .collect();
            int n = 0;
            for (float[] part : parts) {
                n = Math.addExact(n, part.length);
            }
            float[] all = new float[n];
            int at = 0;
            for (float[] part : parts) {
                System.arraycopy(part, 0, all, at, part.length);
                at += part.length;
            }
            // Float.compare order, as Spark's sort of the doubles: NaN sorts last.
            Arrays.sort(all);
            int rank = (int) Math.max(0, Math.ceil(q * n) - 1);
            return all[rank];
        } finally {
            weights.destroy();
        }
    }
}
