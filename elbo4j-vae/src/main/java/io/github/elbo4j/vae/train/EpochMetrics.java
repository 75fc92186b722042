package io.github.elbo4j.vae.train;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import com.fasterxml.jackson.databind.annotation.JsonSerialize;
import com.fasterxml.jackson.databind.deser.std.StdScalarDeserializer;
import com.fasterxml.jackson.databind.ser.std.StdScalarSerializer;
import java.io.IOException;

/**
 * One row of {@code metrics.jsonl}: training averages over an epoch (nats per example, single
 * reparameterized sample, analytic KL) and the validation ELBO at its end. {@link #toJson()} and
 * {@link #fromJson} are the row's one codec: the components in declaration order under their
 * snake_case names, {@code valid_elbo} null without a validation split, {@code valid_iwae} and
 * {@code rss_mb} left out when unknown (and read back as NaN).
 *
 * @param epoch 1-based epoch
 * @param step optimizer steps taken so far
 * @param elbo mean training ELBO over the epoch
 * @param recon mean E_q[log p(x|z)]
 * @param kl mean KL(q(z|x) ‖ p(z))
 * @param beta weight of the KL term (1 for the plain ELBO)
 * @param lr learning rate
 * @param validElbo validation ELBO at the end of the epoch, NaN when there is no validation split
 * @param validIwae the IWAE-K bound on the validation split for an IWAE objective (K of the
 *     objective), else NaN: what such a run is judged and early-stopped on
 * @param seconds training wall time so far, including validation
 * @param samplesPerS training throughput of this epoch (excluding validation)
 * @param residentMegabytes resident memory of the process at the end of the epoch (MiB; NaN
 *     where the platform does not report it), to make native-memory growth visible
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record EpochMetrics(
        int epoch,
        long step,
        double elbo,
        double recon,
        double kl,
        double beta,
        double lr,

        @JsonSerialize(using = NanAsNull.class) @JsonDeserialize(using = NanWhenAbsent.class)
        double validElbo,

        @JsonInclude(value = JsonInclude.Include.CUSTOM, valueFilter = NotFinite.class)
        @JsonDeserialize(using = NanWhenAbsent.class)
        double validIwae,

        double seconds,
        double samplesPerS,

        @JsonProperty("rss_mb")
        @JsonInclude(value = JsonInclude.Include.CUSTOM, valueFilter = NotFinite.class)
        @JsonDeserialize(using = NanWhenAbsent.class)
        double residentMegabytes) {

    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    /** The row as one line of JSON (no newline). */
    public String toJson() {
        try {
            return JSON.writeValueAsString(this);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * The row that {@link #toJson()} wrote.
     *
     * @throws IllegalArgumentException naming the missing or malformed field
     */
    public static EpochMetrics fromJson(JsonNode row) {
        try {
            return JSON.treeToValue(row, EpochMetrics.class);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("not a metrics row: " + e.getOriginalMessage());
        }
    }

    /** Writes NaN (no validation split) as null. */
    private static final class NanAsNull extends StdScalarSerializer<Double> {
        NanAsNull() {
            super(Double.class);
        }

        @Override
        public void serialize(Double value, JsonGenerator out, SerializerProvider provider) throws IOException {
            if (value.isNaN()) {
                out.writeNull();
            } else {
                out.writeNumber(value);
            }
        }
    }

    /** Leaves out a value that is not known (NaN) or not finite. */
    private static final class NotFinite {
        @Override
        public boolean equals(Object value) {
            return value instanceof Double d && !Double.isFinite(d);
        }

        @Override
        public int hashCode() {
            return 0;
        }
    }

    /** Reads null, or a field left out, as NaN. */
    private static final class NanWhenAbsent extends StdScalarDeserializer<Double> {
        NanWhenAbsent() {
            super(Double.class);
        }

        @Override
        public Double deserialize(JsonParser in, DeserializationContext context) throws IOException {
            return in.getDoubleValue();
        }

        @Override
        public Double getNullValue(DeserializationContext context) {
            return Double.NaN;
        }
    }
}
