package io.github.elbo4j.vi.autodiff;

/**
 * The right-hand side {@code dy/dt = f(t, y, θ)} of an ordinary differential equation, for {@link
 * Functions#odeRk45}: the function argument of Stan's {@code ode_rk45}, written with {@link Value}
 * operations so that its Jacobians come from automatic differentiation.
 *
 * <p>Parameters reach f only through {@code theta}: f runs on the solver's own tapes, so a value of
 * the model's tape used inside it is refused ("values from two different tapes cannot be
 * combined"). Data may be captured from the enclosing code as numbers or constants.
 */
@FunctionalInterface
public interface OdeSystem {

    /**
     * The time derivative of the state.
     *
     * @param t the time
     * @param y the state, a vector of N
     * @param theta the parameters, a vector of P (may be empty)
     * @return {@code dy/dt}, a vector of N
     */
    Value derivative(double t, Value y, Value theta);
}
