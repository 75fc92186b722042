package io.github.elbo4j.vi.model;

/**
 * The code of a {@link JavaModel}: a Stan {@code parameters} block and {@code model} block in one
 * lambda, run once per evaluation.
 */
@FunctionalInterface
public interface ModelCode {

    /**
     * Declares the parameters in a fixed order through {@code m} and adds the log density's terms.
     *
     * @param m the declarations and the target of this run
     */
    void define(ModelContext m);
}
