package io.github.elbo4j.data;

import java.util.Arrays;
import java.util.Objects;

/**
 * The train, validation and test parts of a dataset. Only {@code train} is required; every part
 * that is present has the same example shape.
 *
 * @param train the training examples
 * @param valid the validation examples, or {@code null}
 * @param test the test examples, or {@code null}
 */
public record DatasetSplits(Dataset train, Dataset valid, Dataset test) {

    /** Checks that the parts agree in example shape. */
    public DatasetSplits {
        Objects.requireNonNull(train, "train");
        requireSameShape("valid", valid, train);
        requireSameShape("test", test, train);
    }

    /**
     * Only training data.
     *
     * @param train the training examples
     * @return splits without validation or test part
     */
    public static DatasetSplits trainOnly(Dataset train) {
        return new DatasetSplits(train, null, null);
    }

    /**
     * What to report held-out numbers on: the test part if there is one, else the validation part,
     * else the training part.
     */
    public Dataset evaluationSplit() {
        if (test != null) {
            return test;
        }
        return valid != null ? valid : train;
    }

    private static void requireSameShape(String part, Dataset split, Dataset train) {
        if (split != null && !Arrays.equals(split.exampleShape(), train.exampleShape())) {
            throw new IllegalArgumentException(part + " examples have shape " + Arrays.toString(split.exampleShape())
                    + " but train examples have shape " + Arrays.toString(train.exampleShape()));
        }
    }
}
