package io.github.elbo4j.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.elbo4j.data.DataException;
import java.nio.file.Path;

/**
 * Required numbers of a run's {@code config.json}: a missing or non-numeric field is reported with
 * the file and the field's path, not as the command-line option it would have come from (which the
 * user never passed).
 */
final class ConfigFields {

    private ConfigFields() {}

    /** The integer {@code section.field} of {@code file}. */
    static int requiredInt(JsonNode root, String section, String field, Path file) {
        JsonNode node = required(root, section, field, file);
        if (!node.canConvertToInt() || !node.isIntegralNumber()) {
            throw new DataException(file, section + "." + field, "expected an integer, found " + node);
        }
        return node.intValue();
    }

    /** The integer {@code section.field} of {@code file}, as a long. */
    static long requiredLong(JsonNode root, String section, String field, Path file) {
        JsonNode node = required(root, section, field, file);
        if (!node.canConvertToLong() || !node.isIntegralNumber()) {
            throw new DataException(file, section + "." + field, "expected an integer, found " + node);
        }
        return node.longValue();
    }

    /** The number {@code section.field} of {@code file}. */
    static double requiredDouble(JsonNode root, String section, String field, Path file) {
        return required(root, section, field, file).doubleValue();
    }

    private static JsonNode required(JsonNode root, String section, String field, Path file) {
        JsonNode node = root.path(section).path(field);
        if (node.isMissingNode() || node.isNull()) {
            throw new DataException(file, section + "." + field, "missing; the run's config is incomplete or damaged");
        }
        if (!node.isNumber()) {
            throw new DataException(file, section + "." + field, "expected a number, found " + node);
        }
        return node;
    }
}
