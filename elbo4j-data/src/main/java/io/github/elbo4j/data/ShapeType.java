package io.github.elbo4j.data;

/**
 * The kinds of figure drawn by {@link Shapes}; the label of an image is the {@link #ordinal()}.
 */
public enum ShapeType {
    /** A filled square: label 0. */
    SQUARE,
    /** A filled disk: label 1. */
    DISK,
    /** A filled equilateral triangle: label 2. */
    TRIANGLE,
    /** A filled plus-shaped cross of two bars: label 3. */
    CROSS;

    /**
     * The shape type for a label.
     *
     * @param label 0 to 3
     * @return the type whose ordinal is {@code label}
     */
    public static ShapeType ofLabel(int label) {
        ShapeType[] all = values();
        if (label < 0 || label >= all.length) {
            throw new IllegalArgumentException("shape label must be 0 to " + (all.length - 1) + ", got " + label);
        }
        return all[label];
    }
}
