package io.github.elbo4j.cli;

import io.github.elbo4j.data.Batching;
import io.github.elbo4j.data.Dataset;
import io.github.elbo4j.data.DatasetSplits;
import java.util.Arrays;

/**
 * {@code --valid-fraction}: a validation split held out of data that has none (a single CSV or
 * image file), so that early stopping and the plateau schedule have a score to watch. The records
 * are drawn by a seeded permutation, and the run records the fraction, so that a resumed run and
 * the commands that read the run's own data hold out the very same records.
 */
final class Holdout {

    private static final double MAX_FRACTION = 0.5;

    private Holdout() {}

    /** Checks --valid-fraction before any work. */
    static void check(double fraction) {
        if (!(fraction > 0 && fraction <= MAX_FRACTION)) {
            throw new IllegalArgumentException(
                    "--valid-fraction must be above 0 and at most " + MAX_FRACTION + ", e.g. 0.1, got " + fraction);
        }
    }

    /** {@code splits} with {@code fraction} of its training records moved into a validation split. */
    static DatasetSplits apply(DatasetSplits splits, double fraction, long seed, String spec) {
        check(fraction);
        if (splits.valid() != null) {
            throw new IllegalArgumentException(
                    "--valid-fraction: " + spec + " already has a validation split; drop" + " --valid-fraction");
        }
        Dataset train = splits.train();
        int held = (int) Math.round(train.rows() * fraction);
        if (held < 1 || held >= train.rows()) {
            throw new IllegalArgumentException("--valid-fraction " + fraction + ": " + spec + " has " + train.rows()
                    + " records, too few to hold out " + fraction + " of them and still train");
        }
        int[] order = Batching.permutation(train.rows(), seed, 0);
        int[] validRows = Arrays.copyOf(order, held);
        int[] trainRows = Arrays.copyOfRange(order, held, order.length);
        // Dataset order, so that a split read back lists records as the file does.
        Arrays.sort(validRows);
        Arrays.sort(trainRows);
        return new DatasetSplits(train.subset(trainRows), train.subset(validRows), splits.test());
    }
}
