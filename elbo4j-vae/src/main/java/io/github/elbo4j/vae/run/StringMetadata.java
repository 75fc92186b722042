package io.github.elbo4j.vae.run;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import io.github.elbo4j.data.DataException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The codec between records and safetensors metadata, a flat map of strings: each component
 * under its JSON name (see the record's Jackson annotations), in declaration order, numbers as
 * Java writes them ({@link Double#toString} round-trips a double exactly, infinities included).
 * Reading requires every component and ignores the keys that belong to other records.
 */
final class StringMetadata {

    private static final TypeReference<Map<String, Object>> FIELDS = new TypeReference<>() {};

    private final ObjectMapper mapper = new ObjectMapper()
            .enable(DeserializationFeature.FAIL_ON_MISSING_CREATOR_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_CREATOR_PROPERTIES)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    /** The components of {@code record} as metadata entries. */
    Map<String, String> encode(Record record) {
        Map<String, String> metadata = new LinkedHashMap<>();
        mapper.convertValue(record, FIELDS).forEach((key, value) -> metadata.put(key, String.valueOf(value)));
        return metadata;
    }

    /**
     * The record of type {@code type} held in {@code metadata}.
     *
     * @throws DataException naming {@code file} and the missing or malformed key
     */
    <T extends Record> T decode(Path file, Map<String, String> metadata, Class<T> type) {
        try {
            return mapper.convertValue(metadata, type);
        } catch (IllegalArgumentException e) {
            String key = e.getCause() instanceof MismatchedInputException m
                            && !m.getPath().isEmpty()
                    ? m.getPath().get(0).getFieldName()
                    : null;
            throw new DataException(
                    file,
                    "__metadata__",
                    key == null ? "malformed training position" : "key '" + key + "' is missing or malformed");
        }
    }
}
