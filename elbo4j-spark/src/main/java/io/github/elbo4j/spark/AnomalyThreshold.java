package io.github.elbo4j.spark;

import io.github.elbo4j.math.TensorUpload;
import io.github.elbo4j.vae.model.VaeModel;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;

/**
 * The anomaly threshold of a trained VAE: the {@code q}-quantile of the training rows' anomaly
 * scores −ELBO(x), computed exactly (a distributed sort) as the value of rank ⌈q·n⌉ − 1 in
 * ascending order (the lower empirical quantile).
 */
final class AnomalyThreshold {

    private static final int CHUNK = 500;

    private AnomalyThreshold() {}

    static double quantile(
            JavaSparkContext sc, JavaRDD<Shard> shards, VaeSpec spec, float[] parameters, long seed, double q) {
        String key = ModelCache.key(spec, parameters);
        Broadcast<float[]> weights = sc.broadcast(parameters);
        try {
            JavaRDD<Double> scores = shards.flatMap(shard -> {
                List<Double> result = new ArrayList<>(shard.rows());
                TensorUpload upload = new TensorUpload();
                try (ModelCache.Lease lease = ModelCache.acquire(
                        key, () -> VaeModel.fromParameters(spec.toConfig(), weights.value(), VaeCompute.base()))) {
                    for (int from = 0; from < shard.rows(); from += CHUNK) {
                        int to = Math.min(shard.rows(), from + CHUNK);
                        float[] x = new float[(to - from) * shard.features()];
                        System.arraycopy(shard.values(), from * shard.features(), x, 0, x.length);
                        long[] rowSeeds = new long[to - from];
                        for (int i = from; i < to; i++) {
                            float[] row = new float[shard.features()];
                            System.arraycopy(shard.values(), i * shard.features(), row, 0, row.length);
                            rowSeeds[i - from] = VaeCompute.rowSeed(seed, row);
                        }
                        float[] elbo = VaeCompute.score(lease.model(), x, to - from, 0, rowSeeds, null, upload)
                                .elbo();
                        for (float e : elbo) {
                            result.add(-(double) e);
                        }
                    }
                }
                return result.iterator();
            });
            scores.persist(org.apache.spark.storage.StorageLevel.MEMORY_AND_DISK());
            long n = scores.count();
            long rank = Math.max(0, (long) Math.ceil(q * n) - 1);
            double threshold = scores.sortBy(s -> s, true, Math.max(1, scores.getNumPartitions()))
                    .zipWithIndex()
                    .filter(t -> t._2() == rank)
                    .map(t -> t._1())
                    .first();
            scores.unpersist(false);
            return threshold;
        } finally {
            weights.destroy();
        }
    }
}
