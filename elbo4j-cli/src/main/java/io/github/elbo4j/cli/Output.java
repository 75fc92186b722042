package io.github.elbo4j.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;

/** Prints a command's result: one JSON object with {@code --json}, human text otherwise. */
final class Output {

    private static final ObjectMapper JSON = new ObjectMapper();

    private Output() {}

    /** A new, empty JSON object. */
    static ObjectNode object() {
        return JSON.createObjectNode();
    }

    /** Prints {@code json} on one line when {@code asJson}, else {@code human}. */
    static void print(PrintWriter out, boolean asJson, ObjectNode json, String human) {
        if (asJson) {
            try {
                out.println(JSON.writeValueAsString(json));
            } catch (JsonProcessingException e) {
                throw new IllegalStateException(e);
            }
        } else {
            out.println(human);
        }
        out.flush();
    }

    /**
     * A number for people, to two decimals; {@code n/a} where the JSON output has null (no
     * validation split, an estimate that could not be made).
     */
    static String human(double value) {
        return Double.isFinite(value) ? String.format(java.util.Locale.ROOT, "%.2f", value) : "n/a";
    }

    /** Puts a double, writing null for NaN (JSON has no NaN). */
    static void putNumber(ObjectNode node, String key, double value) {
        if (Double.isFinite(value)) {
            node.put(key, value);
        } else {
            node.putNull(key);
        }
    }
}
