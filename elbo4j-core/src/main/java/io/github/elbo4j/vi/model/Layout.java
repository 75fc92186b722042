package io.github.elbo4j.vi.model;

import io.github.elbo4j.vi.ParameterBlock;
import java.util.List;

/**
 * The parameter blocks a {@link JavaModel} found when it was built, with their shapes and numbers of
 * unconstrained coordinates computed once, so that a run reads arrays rather than recomputing them.
 */
record Layout(List<ParameterBlock> blocks, int[][] shapes, int[] unconstrainedSizes, int dimension) {

    static Layout of(List<ParameterBlock> blocks) {
        int[][] shapes = new int[blocks.size()][];
        int[] sizes = new int[blocks.size()];
        int dimension = 0;
        for (int b = 0; b < sizes.length; b++) {
            shapes[b] = blocks.get(b).shape();
            sizes[b] = blocks.get(b).unconstrainedSize();
            dimension += sizes[b];
        }
        return new Layout(List.copyOf(blocks), shapes, sizes, dimension);
    }
}
