package io.github.elbo4j.vi.model;

import java.util.List;

/**
 * A failure inside a {@link JavaModel}'s code, in one line that says where: the model line and the
 * parameter declared last, e.g. {@code in the model at EightSchools.java:31 (after parameter
 * 'theta_raw'): plus: shapes [8] and [7] do not match}.
 */
public final class ModelException extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;

    /** Packages whose frames are the library's, not the model's. */
    private static final String[] LIBRARY_PACKAGES = {
        "io.github.elbo4j.vi.autodiff.", "io.github.elbo4j.vi.transform.", "io.github.elbo4j.vi.density.",
        "java.", "jdk.",
    };

    /** This package's classes that run model code (the package also holds users' tests). */
    private static final List<String> LIBRARY_CLASSES = List.of(ModelContext.class.getName(),
            JavaModel.class.getName(), JavaDensity.class.getName(), Reshape.class.getName());

    private ModelException(String message, Throwable cause) {
        super(message, cause);
    }

    static ModelException inModel(RuntimeException cause, String lastDeclared) {
        StringBuilder message = new StringBuilder("in the model");
        String site = modelSite(cause);
        if (site != null) {
            message.append(" at ").append(site);
        }
        message.append(lastDeclared == null ? " (before the first parameter)" : " (after parameter '"
                + lastDeclared + "')");
        message.append(": ").append(cause.getMessage() == null ? cause.toString() : cause.getMessage());
        return new ModelException(message.toString(), cause);
    }

    /** The first frame of the model's own code, e.g. {@code EightSchools.java:31}. */
    private static String modelSite(Throwable cause) {
        for (StackTraceElement frame : cause.getStackTrace()) {
            if (!isLibrary(frame.getClassName())) {
                return frame.getFileName() + ":" + frame.getLineNumber();
            }
        }
        return null;
    }

    private static boolean isLibrary(String className) {
        for (String prefix : LIBRARY_PACKAGES) {
            if (className.startsWith(prefix)) {
                return true;
            }
        }
        int nested = className.indexOf('$');
        return LIBRARY_CLASSES.contains(nested < 0 ? className : className.substring(0, nested));
    }
}
