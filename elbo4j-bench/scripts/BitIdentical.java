import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * The comparison half of {@code bit-identical.sh}: for each run name, compares BASELINE/NAME and
 * CURRENT/NAME and prints {@code NAME identical} or {@code NAME DIFFERENT: <file>: <first difference>}.
 * Exits 1 if any run differs.
 *
 * <p>{@code model.safetensors}: the metadata except the entries that differ between any two runs
 * ({@code run_id}, a random UUID, and {@code elbo4j_crc32c}, whose checksum covers the run id),
 * then every tensor's dtype, shape and data bytes. {@code metrics.jsonl}: every row, field by field,
 * except the wall-clock and memory columns. Uses only the JDK and Jackson (from the jar on the class
 * path), not elbo4j's own readers, so that it judges a refactored tree with code the refactoring
 * did not touch.
 *
 * <pre>java -cp elbo4j.jar BitIdentical.java BASELINE CURRENT NAME...</pre>
 */
public final class BitIdentical {

    /** Metadata of model.safetensors that is unique to each run. */
    private static final Set<String> RUN_UNIQUE_METADATA = Set.of("run_id", "elbo4j_crc32c");

    /** Columns of metrics.jsonl measured on the clock or in memory. */
    private static final Set<String> MEASURED_COLUMNS = Set.of("seconds", "samples_per_s", "rss_mb");

    private static final JsonMapper JSON = JsonMapper.builder()
            .enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS).build();

    private BitIdentical() {}

    public static void main(String[] args) throws IOException {
        if (args.length < 3) {
            System.err.println("usage: java -cp elbo4j.jar BitIdentical.java BASELINE CURRENT NAME...");
            System.exit(2);
        }
        Path baseline = Path.of(args[0]);
        Path current = Path.of(args[1]);
        boolean allIdentical = true;
        for (String name : Arrays.copyOfRange(args, 2, args.length)) {
            String difference = difference(baseline.resolve(name), current.resolve(name));
            System.out.println(name + " " + (difference == null ? "identical" : "DIFFERENT: " + difference));
            allIdentical &= difference == null;
        }
        System.exit(allIdentical ? 0 : 1);
    }

    /** The first difference between two runs' files, or null. */
    private static String difference(Path baseline, Path current) throws IOException {
        for (String file : List.of("model.safetensors", "metrics.jsonl")) {
            if (!Files.isRegularFile(current.resolve(file))) {
                return file + ": missing from the current run (see " + current.resolve("train.log") + ")";
            }
        }
        String model = safetensorsDifference(baseline.resolve("model.safetensors"), current.resolve("model.safetensors"));
        if (model != null) {
            return "model.safetensors: " + model;
        }
        String metrics = metricsDifference(baseline.resolve("metrics.jsonl"), current.resolve("metrics.jsonl"));
        return metrics == null ? null : "metrics.jsonl: " + metrics;
    }

    /** One safetensors file: its JSON header and the data bytes after it. */
    private record Safetensors(ObjectNode header, ByteBuffer data) {

        static Safetensors read(Path file) throws IOException {
            ByteBuffer bytes = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
            int headerLength = Math.toIntExact(bytes.getLong(0));
            ObjectNode header = (ObjectNode) JSON.readTree(bytes.array(), 8, headerLength);
            ByteBuffer data = bytes.slice(8 + headerLength, bytes.capacity() - 8 - headerLength)
                    .order(ByteOrder.LITTLE_ENDIAN);
            return new Safetensors(header, data);
        }

        ObjectNode metadata() {
            ObjectNode metadata = header.has("__metadata__")
                    ? ((ObjectNode) header.get("__metadata__")).deepCopy() : JSON.createObjectNode();
            metadata.remove(RUN_UNIQUE_METADATA);
            return metadata;
        }

        Set<String> tensorNames() {
            Set<String> names = new TreeSet<>();
            header.fieldNames().forEachRemaining(names::add);
            names.remove("__metadata__");
            return names;
        }

        ByteBuffer bytes(String tensor) {
            JsonNode offsets = header.get(tensor).get("data_offsets");
            return data.slice(offsets.get(0).asInt(), offsets.get(1).asInt() - offsets.get(0).asInt())
                    .order(ByteOrder.LITTLE_ENDIAN);
        }
    }

    private static String safetensorsDifference(Path baselineFile, Path currentFile) throws IOException {
        Safetensors baseline = Safetensors.read(baselineFile);
        Safetensors current = Safetensors.read(currentFile);
        String metadata = objectDifference(baseline.metadata(), current.metadata());
        if (metadata != null) {
            return "metadata " + metadata;
        }
        if (!baseline.tensorNames().equals(current.tensorNames())) {
            return "tensor names " + baseline.tensorNames() + " became " + current.tensorNames();
        }
        for (String name : baseline.tensorNames()) {
            JsonNode was = baseline.header().get(name);
            JsonNode is = current.header().get(name);
            for (String field : List.of("dtype", "shape")) {
                if (!was.path(field).equals(is.path(field))) {
                    return "tensor '" + name + "' " + field + " " + was.path(field) + " became " + is.path(field);
                }
            }
            ByteBuffer wasBytes = baseline.bytes(name);
            ByteBuffer isBytes = current.bytes(name);
            int mismatch = wasBytes.mismatch(isBytes);
            if (mismatch >= 0) {
                return "tensor '" + name + "' " + valueDifference(was.path("dtype").asText(), wasBytes, isBytes, mismatch);
            }
        }
        return null;
    }

    /** Where two tensors' bytes first differ, as a value of an F32 tensor. */
    private static String valueDifference(String dtype, ByteBuffer was, ByteBuffer is, int byteIndex) {
        if (!dtype.equals("F32") || was.capacity() != is.capacity()) {
            return "data differs from byte " + byteIndex;
        }
        int index = byteIndex / Float.BYTES;
        int position = index * Float.BYTES;
        return "element " + index + ": " + was.getFloat(position) + " became " + is.getFloat(position);
    }

    private static String metricsDifference(Path baselineFile, Path currentFile) throws IOException {
        List<ObjectNode> baseline = rows(baselineFile);
        List<ObjectNode> current = rows(currentFile);
        for (int i = 0; i < Math.min(baseline.size(), current.size()); i++) {
            String row = objectDifference(baseline.get(i), current.get(i));
            if (row != null) {
                return "line " + (i + 1) + " " + row;
            }
        }
        return baseline.size() == current.size() ? null
                : baseline.size() + " rows became " + current.size();
    }

    /** The non-blank lines of a JSON-lines file, without the measured columns. */
    private static List<ObjectNode> rows(Path file) throws IOException {
        List<ObjectNode> rows = new ArrayList<>();
        for (String line : Files.readAllLines(file)) {
            if (!line.isBlank()) {
                ObjectNode row = (ObjectNode) JSON.readTree(line);
                row.remove(MEASURED_COLUMNS);
                rows.add(row);
            }
        }
        return rows;
    }

    /** The first field in which two objects differ (order of fields aside), or null. */
    private static String objectDifference(ObjectNode was, ObjectNode is) {
        Set<String> fields = new TreeSet<>();
        was.fieldNames().forEachRemaining(fields::add);
        is.fieldNames().forEachRemaining(fields::add);
        for (String field : fields) {
            if (!was.has(field) || !is.has(field)) {
                return "field '" + field + "' " + (was.has(field) ? "removed" : "added");
            }
            if (!sameValue(was.get(field), is.get(field))) {
                return "field '" + field + "': " + was.get(field) + " became " + is.get(field);
            }
        }
        return null;
    }

    /** Equal JSON values; numbers by value, so that 1 and 1.0 agree but no two doubles do. */
    private static boolean sameValue(JsonNode was, JsonNode is) {
        if (was.isNumber() && is.isNumber()) {
            return was.isIntegralNumber() && is.isIntegralNumber()
                    ? was.bigIntegerValue().equals(is.bigIntegerValue())
                    : Double.compare(was.doubleValue(), is.doubleValue()) == 0;
        }
        return was.equals(is);
    }
}
