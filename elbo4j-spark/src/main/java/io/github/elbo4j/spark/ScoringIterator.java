package io.github.elbo4j.spark;

import io.github.elbo4j.math.TensorUpload;
import io.github.elbo4j.vae.objective.ImportanceSampler;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.function.Supplier;
import org.apache.spark.TaskContext;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.util.TaskCompletionListener;

/**
 * Scores a partition chunk by chunk: reads at most {@code chunkRows} input rows, scores them
 * ({@link VaeCompute#score}: the IWAE bound through the task's fused importance sampler where it
 * applies, the other columns in one batched engine call), and hands out the rows with the score
 * columns appended. Memory per task is bounded by the chunk (and K), not by the partition size.
 */
final class ScoringIterator implements Iterator<Row> {

    private final Iterator<Row> input;
    private final Supplier<ModelCache.Lease> leaseSupplier;
    private final int index;
    private final String column;
    private final int features;
    private final int k;
    private final long seed;
    private final double threshold;
    private final int chunkRows;
    private final int maxParticleRows;
    private final TensorUpload upload = new TensorUpload();
    private final List<Row> ready = new ArrayList<>();
    private int position;
    private ModelCache.Lease lease;
    /** This task's fused importance sampler, or null where the engine estimates the bound. */
    private ImportanceSampler sampler;

    ScoringIterator(
            Iterator<Row> input,
            Supplier<ModelCache.Lease> leaseSupplier,
            int index,
            String column,
            int features,
            int k,
            long seed,
            double threshold,
            int chunkRows,
            int maxParticleRows) {
        this.input = input;
        this.leaseSupplier = leaseSupplier;
        this.index = index;
        this.column = column;
        this.features = features;
        this.k = k;
        this.seed = seed;
        this.threshold = threshold;
        this.chunkRows = chunkRows;
        this.maxParticleRows = maxParticleRows;
    }

    @Override
    public boolean hasNext() {
        if (position < ready.size()) {
            return true;
        }
        ready.clear();
        position = 0;
        if (!input.hasNext()) {
            release();
            return false;
        }
        scoreChunk();
        return true;
    }

    @Override
    public Row next() {
        if (!hasNext()) {
            throw new NoSuchElementException();
        }
        return ready.get(position++);
    }

    private void scoreChunk() {
        if (lease == null) {
            lease = leaseSupplier.get();
            TaskContext context = TaskContext.get();
            if (context != null) {
                // A failed or cancelled task must still release the shared model.
                context.addTaskCompletionListener((TaskCompletionListener) c -> release());
            }
            sampler = VaeCompute.fusedSampler(lease.model(), k, maxParticleRows);
        }
        List<Row> rows = new ArrayList<>(chunkRows);
        float[] x = new float[chunkRows * features];
        long[] rowSeeds = new long[chunkRows];
        while (rows.size() < chunkRows && input.hasNext()) {
            Row row = input.next();
            float[] values = InputVectors.read(row, index, column, features);
            System.arraycopy(values, 0, x, rows.size() * features, features);
            rowSeeds[rows.size()] = VaeCompute.rowSeed(seed, values);
            rows.add(row);
        }
        int n = rows.size();
        VaeCompute.Scores scores = VaeCompute.score(lease.model(), x, n, k, rowSeeds, sampler, upload);
        int latent = lease.model().config().latent();
        for (int i = 0; i < n; i++) {
            Row row = rows.get(i);
            Object[] values = new Object[row.size() + 5];
            for (int c = 0; c < row.size(); c++) {
                values[c] = row.get(c);
            }
            double[] mean = new double[latent];
            for (int j = 0; j < latent; j++) {
                mean[j] = scores.latentMean()[i * latent + j];
            }
            double elbo = scores.elbo()[i];
            values[row.size()] = elbo;
            values[row.size() + 1] = scores.loglik()[i];
            values[row.size() + 2] = Vectors.dense(mean);
            values[row.size() + 3] = (double) scores.reconError()[i];
            values[row.size() + 4] = Double.isNaN(threshold) ? null : -elbo > threshold;
            ready.add(RowFactory.create(values));
        }
    }

    private synchronized void release() {
        if (lease != null) {
            lease.close();
            lease = null;
        }
    }
}
