package io.github.elbo4j.math;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.ArrayList;
import java.util.List;

/**
 * A try-with-resources scope for the temporaries of one tensor computation.
 *
 * <p>DJL attaches the result of {@code a.op(b)} to {@code a}'s manager, so an expression such as
 * {@code x.sub(loc).div(scale).square()} leaves two intermediate arrays in the caller's manager.
 * Every method of elbo4j instead runs its computation in a fresh sub-manager of a documented
 * <em>home</em> manager:
 *
 * <pre>{@code
 * try (ArrayScope scope = ArrayScope.open(home, loc, scale, value)) {
 *     NDArray z = value.sub(loc).div(scale);          // lives in the scope
 *     return scope.ret(z.square().mul(SpecialFunctions.scalar(z, -0.5))); // moved to home
 * }
 * }</pre>
 *
 * <p>The inputs are <em>borrowed</em> ({@link NDArray#tempAttach(NDManager)}): while the scope is
 * open, operations on them create their results inside the scope, and when it closes they return to
 * the manager they came from. Arrays produced by other objects (for example a distribution that
 * attaches its results to its own parameters' manager) can be {@link #adopt(NDArray) adopted} so
 * that they are closed with the scope. Closing intermediate arrays is safe under autograd: the
 * engine's graph keeps its own references to whatever the backward pass needs.
 *
 * <p>Not thread-safe: borrowing re-parents the input arrays, so two threads must not run scoped
 * computations on the same arrays at the same time (DJL arrays are not thread-safe either).
 */
public final class ArrayScope implements AutoCloseable {

    private final NDManager home;
    private final NDManager manager;
    private final List<NDArray> borrowed = new ArrayList<>();

    private ArrayScope(NDManager home) {
        this.home = home;
        this.manager = home.newSubManager();
    }

    /**
     * Opens a scope whose results go to {@code home} and borrows {@code inputs}.
     *
     * @param home the manager that receives the arrays passed to {@link #ret(NDArray)}
     * @param inputs arrays the computation reads; {@code null} entries and repeats are ignored
     * @return the open scope
     */
    public static ArrayScope open(NDManager home, NDArray... inputs) {
        ArrayScope scope = new ArrayScope(home);
        scope.borrow(inputs);
        return scope;
    }

    /**
     * Borrows more arrays: until the scope closes, operations on them create their results in this
     * scope.
     *
     * @param arrays arrays to borrow; {@code null} entries and arrays already borrowed are ignored
     */
    public void borrow(NDArray... arrays) {
        for (NDArray array : arrays) {
            if (array != null && !isBorrowed(array) && array.getManager() != manager) {
                array.tempAttach(manager);
                borrowed.add(array);
            }
        }
    }

    /**
     * Takes ownership of an intermediate result produced elsewhere so that it is closed with the
     * scope (borrowed arrays are left alone).
     *
     * @param array an intermediate array
     * @return {@code array}, now owned by the scope
     */
    public NDArray adopt(NDArray array) {
        if (!isBorrowed(array) && array.getManager() != manager) {
            array.attach(manager);
        }
        return array;
    }

    /**
     * Moves a result out of the scope to the home manager. A borrowed input is returned as is (it
     * goes back to its own manager when the scope closes).
     *
     * @param result the result of the computation
     * @return {@code result}, now attached to the home manager
     */
    public NDArray ret(NDArray result) {
        if (!isBorrowed(result) && result.getManager() != home) {
            result.attach(home);
        }
        return result;
    }

    /**
     * The scope's own manager, for creating constants and random tensors.
     *
     * @return the sub-manager of the home manager that owns the temporaries
     */
    public NDManager manager() {
        return manager;
    }

    /**
     * The manager that receives results.
     *
     * @return the home manager
     */
    public NDManager home() {
        return home;
    }

    private boolean isBorrowed(NDArray array) {
        for (NDArray b : borrowed) {
            if (b == array) {
                return true;
            }
        }
        return false;
    }

    /** Closes every temporary and returns the borrowed inputs to their managers. */
    @Override
    public void close() {
        manager.close();
    }
}
