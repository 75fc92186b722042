package io.github.elbo4j.vae.internal;

import io.github.elbo4j.vae.objective.VectorNoise;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one check in front of every use of the Vector API ({@code jdk.incubator.vector}), an
 * incubator module in Java 17 that the JVM resolves only when asked to
 * ({@code --add-modules jdk.incubator.vector}).
 *
 * <p>Classes written with it ({@link FusedElboStep}, {@link FusedImportanceSampler},
 * {@link VectorNoise}, and the kernels they call) fail to load without the module, so nothing
 * touches them unless {@link #PRESENT} holds. Without it, training and evaluation run on the
 * engine's path, which computes the same objectives from the same noise, only slower; a single
 * warning says which flag brings the fused code back.
 */
public final class VectorSupport {

    /** The JVM flag that makes the Vector API available. */
    static final String FLAG = "--add-modules jdk.incubator.vector";
    /** Whether the Vector API module is in the boot layer, where the class path can read it. */
    public static final boolean PRESENT =
            ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent();

    private static final Logger LOG = LoggerFactory.getLogger(VectorSupport.class);
    private static boolean warned;

    private VectorSupport() {}

    /**
     * Whether the fused code may run: training's {@link FusedElboStep} and evaluation's
     * {@link FusedImportanceSampler}. {@code -Delbo4j.fused=false} turns it off, e.g. to time the
     * engine's path; without the module it is off and, the first time, a warning names the flag.
     */
    public static boolean fused() {
        if (!PRESENT) {
            warnOnce();
            return false;
        }
        return !"false".equals(System.getProperty("elbo4j.fused"));
    }

    private static synchronized void warnOnce() {
        if (!warned) {
            warned = true;
            LOG.warn(
                    "elbo4j runs without the Vector API, on the engine's slower path; start the JVM with {}"
                            + " for full speed",
                    FLAG);
        }
    }
}
