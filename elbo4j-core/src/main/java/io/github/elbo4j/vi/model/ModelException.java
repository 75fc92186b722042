package io.github.elbo4j.vi.model;

import io.github.elbo4j.vi.ParameterBlock;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A failure inside a {@link JavaModel}'s code, in one line that says where: the model line and the
 * parameter declared last, e.g. {@code in the model at EightSchools.java:31 (after parameter
 * 'theta_raw'): plus: shapes [8] and [7] do not match}.
 */
public final class ModelException extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;

    /** A shape as messages print it, e.g. {@code [8]} or {@code [2, 3]}. */
    private static final Pattern SHAPE = Pattern.compile("\\[[0-9]+(, [0-9]+)?\\]");

    /** Packages whose frames are the library's, not the model's. */
    private static final String[] LIBRARY_PACKAGES = {
        "io.github.elbo4j.vi.autodiff.",
        "io.github.elbo4j.vi.transform.",
        "io.github.elbo4j.vi.density.",
        "java.",
        "jdk.",
    };

    /** This package's classes that run model code (the package also holds users' tests). */
    private static final List<String> LIBRARY_CLASSES = List.of(
            ModelContext.class.getName(),
            JavaModel.class.getName(),
            JavaDensity.class.getName(),
            Reshape.class.getName());

    private ModelException(String message, Throwable cause) {
        super(message, cause);
    }

    /**
     * The failure of model code, located: the model line, the parameter declared last, and the
     * parameters whose shapes the failure's message names (e.g. the operand of a shape mismatch).
     */
    static ModelException inModel(RuntimeException cause, List<ParameterBlock> declared) {
        StringBuilder message = new StringBuilder("in the model");
        String site = modelSite(cause);
        if (site != null) {
            message.append(" at ").append(site);
        }
        message.append(
                declared.isEmpty()
                        ? " (before the first parameter)"
                        : " (after parameter '"
                                + declared.get(declared.size() - 1).name() + "')");
        String reason = cause.getMessage() == null ? cause.toString() : cause.getMessage();
        message.append(": ").append(reason).append(parametersOfShapesIn(reason, declared));
        return new ModelException(message.toString(), cause);
    }

    /** {@code "; parameter 'theta' has shape [8]"} for each non-scalar parameter whose shape the message shows. */
    private static String parametersOfShapesIn(String reason, List<ParameterBlock> declared) {
        Set<String> shapes = new HashSet<>();
        Matcher matcher = SHAPE.matcher(reason);
        while (matcher.find()) {
            shapes.add(matcher.group());
        }
        StringBuilder result = new StringBuilder();
        for (ParameterBlock block : declared) {
            String shape = Arrays.toString(block.shape());
            if (block.shape().length > 0 && shapes.contains(shape)) {
                result.append("; parameter '")
                        .append(block.name())
                        .append("' has shape ")
                        .append(shape);
            }
        }
        return result.toString();
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
