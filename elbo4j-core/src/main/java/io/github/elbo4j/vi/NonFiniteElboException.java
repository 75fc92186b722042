package io.github.elbo4j.vi;

import java.util.List;

/** A fit stopped because the ELBO or its gradient stayed non-finite; names the suspect blocks. */
public final class NonFiniteElboException extends IllegalArgumentException {

    private final List<String> blocks;

    NonFiniteElboException(String message, List<String> blocks) {
        super(message);
        this.blocks = List.copyOf(blocks);
    }

    /** The blocks to blame for the non-finite values; empty when no single block could be singled out. */
    public List<String> blocks() {
        return blocks;
    }
}
