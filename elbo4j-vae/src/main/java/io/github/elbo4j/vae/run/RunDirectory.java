package io.github.elbo4j.vae.run;

import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.elbo4j.data.DataException;
import io.github.elbo4j.data.TabularSchema;
import io.github.elbo4j.io.AtomicFiles;
import io.github.elbo4j.vae.model.Activation;
import io.github.elbo4j.vae.model.Architecture;
import io.github.elbo4j.vae.model.LatentPrior;
import io.github.elbo4j.vae.model.Likelihood;
import io.github.elbo4j.vae.model.ParameterLayout;
import io.github.elbo4j.vae.model.TabularLayout;
import io.github.elbo4j.vae.model.TabularSchemaJson;
import io.github.elbo4j.vae.model.VaeConfig;
import io.github.elbo4j.vae.model.VaeModel;
import io.github.elbo4j.vae.train.EpochMetrics;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;

/**
 * The folder a training run writes and every other command reads (docs/ARCHITECTURE.md, "The run directory"; its files:
 * {@link RunLayout}),
 * with the codecs of its files: {@code config.json} as a {@link RunManifest}, {@code model.json},
 * the weights, the checkpoints and {@code metrics.jsonl}; {@code .lock} is held by a writer (see
 * {@link RunLock}). The run's id ({@link #runId()}) ties its
 * checkpoints and model to it; {@code metrics.jsonl} is read under the policy of {@link MetricsLog}.
 */
public final class RunDirectory {

    /** Shared JSON mapper (pretty output for the human-readable files). */
    public static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    /** The field of {@code config.json} (and the safetensors metadata key) holding the run's identity. */
    public static final String RUN_ID = "run_id";

    private final RunLayout layout;
    /** {@code config.json} as last read or written through this object. */
    private RunManifest manifest;
    /** {@code model.json}, read once: it does not change after the run is created. */
    private VaeConfig modelConfig;

    private RunDirectory(Path root) {
        this.layout = new RunLayout(root);
    }

    /**
     * Creates a new run directory holding {@code config.json} and {@code model.json}; refuses one
     * that exists and is not empty, so that a run never overwrites another. The folder is
     * assembled under a temporary name and renamed into place, so it either appears complete or
     * not at all, even when the process is killed.
     */
    public static RunDirectory create(Path root, RunManifest manifest, VaeConfig model) {
        return create(root, manifest, model, null);
    }

    /**
     * As {@link #create(Path, RunManifest, VaeConfig)}, with the {@code schema.json} of a tabular model
     * (see {@link TabularSchemaJson}) written into the folder before it appears.
     */
    public static RunDirectory create(Path root, RunManifest manifest, VaeConfig model, TabularSchema schema) {
        Path target = root.toAbsolutePath();
        RunLock.removeStaleStagingFolders(target.getParent());
        Path staging = target.resolveSibling("." + target.getFileName() + ".creating-" + UUID.randomUUID());
        try {
            if (Files.exists(target) && (!Files.isDirectory(target) || hasEntries(target))) {
                throw new DataException(root, null, "already exists; train into a new folder or resume the run in it");
            }
            Files.createDirectories(staging.resolve("checkpoints"));
            Files.createDirectories(staging.resolve("plots"));
            // Locked while it is assembled, so that a later command can tell a killed creator's
            // staging folder (removable) from one in progress.
            try (RunLock creating = RunLock.tryAcquire(staging, "train")) {
                RunDirectory building = new RunDirectory(staging);
                building.writeManifest(
                        manifest.runId() != null
                                ? manifest
                                : manifest.withRunId(UUID.randomUUID().toString()));
                building.writeModelDescription(model);
                if (schema != null) {
                    writeJson(building.schemaFile(), TabularSchemaJson.toJson(schema));
                }
                Files.deleteIfExists(target);
                Files.move(staging, target, StandardCopyOption.ATOMIC_MOVE);
                AtomicFiles.forceDirectory(target.getParent());
            }
            return new RunDirectory(root);
        } catch (IOException | UncheckedIOException e) {
            RunLock.deleteTree(staging);
            throw new DataException(root, null, "cannot create the run directory: " + e.getMessage());
        }
    }

    /** Opens an existing run directory written by {@code train}. */
    public static RunDirectory open(Path root) {
        return new RunDirectory(RunLayout.open(root).root());
    }

    private static boolean hasEntries(Path dir) throws IOException {
        try (var entries = Files.list(dir)) {
            return entries.findAny().isPresent();
        }
    }

    /** The run directory itself. */
    public Path root() {
        return layout.root();
    }

    /** The file names of this run directory. */
    public RunLayout layout() {
        return layout;
    }

    /** {@code config.json}: how the run was made ({@link RunManifest}). */
    public Path configFile() {
        return layout.configFile();
    }

    /** {@code metrics.jsonl}: one {@link EpochMetrics} row per completed epoch. */
    public Path metricsFile() {
        return layout.metricsFile();
    }

    /** {@code model.safetensors}: the final weights. */
    public Path modelFile() {
        return layout.modelFile();
    }

    /** {@code model.json}: the architecture and its weight names and shapes. */
    public Path modelDescriptionFile() {
        return layout.modelDescriptionFile();
    }

    /** The column schema of a tabular or categorical run (see {@link TabularSchemaJson}). */
    public Path schemaFile() {
        return layout.schemaFile();
    }

    /**
     * The column schema of a tabular or categorical run, or null for a run of another likelihood.
     *
     * @throws DataException if the run is tabular and {@code schema.json} is missing or malformed
     */
    public TabularSchema readSchema() {
        VaeConfig config = readModelConfig();
        if (!config.likelihood().tabular()) {
            return null;
        }
        if (!Files.isRegularFile(schemaFile())) {
            throw new DataException(schemaFile(), null, "no such file: a tabular run needs its column schema");
        }
        TabularSchema schema = TabularSchemaJson.read(schemaFile());
        if (!TabularLayout.of(schema).equals(config.tabular())) {
            throw new DataException(
                    schemaFile(),
                    "columns",
                    "encode to [" + TabularLayout.of(schema) + "] but model.json describes [" + config.tabular() + "]");
        }
        return schema;
    }

    /** {@code checkpoints/latest.safetensors}: the most recent checkpoint, which a resumed run continues from. */
    public Path latestCheckpoint() {
        return layout.latestCheckpoint();
    }

    /** {@code checkpoints/best.safetensors}: the weights of the best validation score so far (of the latest epoch without a validation split). */
    public Path bestCheckpoint() {
        return layout.bestCheckpoint();
    }

    /** {@code plots/}: the figures and samples the commands write. */
    public Path plotsDirectory() {
        return layout.plotsDirectory();
    }

    /**
     * The run's identity: a random id written into {@code config.json} when the run is created and
     * recorded in each of its checkpoints and its {@code model.safetensors}, so that a file copied
     * in from another run is refused. Null for a run created before elbo4j recorded ids (see
     * {@link #assignRunId()}).
     */
    public String runId() {
        return manifest().runId();
    }

    /**
     * Gives a run created before elbo4j recorded run ids one (written into {@code config.json});
     * its existing checkpoints carry none and are accepted without the identity check.
     *
     * @return the new id, or null when the run had one already
     */
    public String assignRunId() {
        if (manifest().runId() != null) {
            return null;
        }
        String id = UUID.randomUUID().toString();
        writeManifest(manifest().withRunId(id));
        return id;
    }

    /** Writes a checkpoint of this run (recording its id). */
    public void writeCheckpoint(Checkpoint checkpoint, Path file) {
        checkpoint.write(file, runId());
    }

    /**
     * Reads a checkpoint of this run: its checksum verified (by {@link Safetensors#read}), its
     * metadata validated and its run id compared with this run's.
     */
    public Checkpoint readCheckpoint(Path file) {
        return Checkpoint.read(file, runId());
    }

    /** Writes {@code config.json} atomically. */
    public void writeManifest(RunManifest manifest) {
        writeJson(configFile(), JSON.valueToTree(manifest));
        this.manifest = manifest;
    }

    /**
     * {@code config.json}, read once (later writes through this object update it).
     *
     * @throws DataException naming the file and the field that has the wrong type
     */
    public RunManifest manifest() {
        if (manifest == null) {
            JsonNode tree = readConfig();
            try {
                manifest = JSON.treeToValue(tree, RunManifest.class);
            } catch (JsonProcessingException e) {
                String field = e instanceof JsonMappingException m
                        ? m.getPath().stream()
                                .map(JsonMappingException.Reference::getFieldName)
                                .collect(Collectors.joining("."))
                        : "";
                throw new DataException(
                        configFile(), field.isEmpty() ? null : field, "malformed: " + e.getOriginalMessage());
            }
        }
        return manifest;
    }

    /** {@code config.json} as it is on disk, every field, for display (see {@link #manifest()}). */
    public JsonNode readConfig() {
        return readJson(configFile());
    }

    /** Writes {@code model.json}: the architecture and the weight names, shapes and meaning. */
    public void writeModelDescription(VaeConfig config) {
        writeJson(modelDescriptionFile(), describe(config));
    }

    /** The architecture as stored in {@code model.json} and {@code config.json}. */
    public static ObjectNode describe(VaeConfig config) {
        ObjectNode node = JSON.createObjectNode();
        node.put("format", "elbo4j-vae");
        node.put("format_version", 1);
        node.put("architecture", config.architecture().id());
        if (config.architecture() == Architecture.CONV) {
            ArrayNode channels = node.putArray("channels");
            for (int c : config.channels()) {
                channels.add(c);
            }
            node.put(
                    "conv",
                    "Conv2d kernel " + Architecture.KERNEL + ", stride " + Architecture.STRIDE + ", padding "
                            + Architecture.PADDING + " per layer, then the hidden layers; the decoder mirrors it with"
                            + " ConvTranspose2d (output padding restores odd sizes); images channel-last [H, W, C]");
        }
        ArrayNode input = node.putArray("input_shape");
        for (int d : config.inputShape()) {
            input.add(d);
        }
        ArrayNode hidden = node.putArray("hidden");
        for (int h : config.hidden()) {
            hidden.add(h);
        }
        node.put("latent", config.latent());
        node.put("activation", config.activation().id());
        node.put("likelihood", config.likelihood().id());
        if (config.likelihood().gaussian()) {
            node.put("gaussian_scale", config.gaussianScale());
            node.put(
                    "gaussian_scale_mode",
                    switch (config.likelihood()) {
                        case GAUSSIAN_LEARNED ->
                            "learned global sigma: decoder.log_scale [1] holds log sigma (floor "
                                    + Likelihood.MIN_LEARNED_SCALE + "), gaussian_scale is its initial value";
                        case GAUSSIAN_PER_FEATURE ->
                            "learned sigma per feature: decoder.log_scale [features] holds log sigma" + " (floor "
                                    + Likelihood.MIN_LEARNED_SCALE + "), gaussian_scale is its initial value";
                        default -> "fixed";
                    });
        }
        if (config.likelihood().tabular()) {
            describeColumns(node, config);
        }
        node.put("prior", config.prior() == LatentPrior.VAMP ? "vamp" : "standard_normal");
        if (config.prior() == LatentPrior.VAMP) {
            node.put("pseudo_inputs", config.pseudoInputs());
            node.put(
                    "prior_description",
                    "uniform mixture of the encoder's posteriors at prior.pseudo_inputs"
                            + " (clamped to [0, 1]); KL by Monte Carlo");
        }
        if (config.conditional()) {
            node.put("conditions", config.conditions());
            node.put(
                    "condition_input",
                    "one-hot label appended to the encoder input (after x) and to the" + " decoder input (after z)");
        }
        node.put("encoder_scale_output", "log_var");
        node.put(
                "decoder_output",
                switch (config.likelihood()) {
                    case BERNOULLI -> "logits";
                    case CATEGORICAL -> "logits of each one-hot group (log-softmax within the group)";
                    case TABULAR ->
                        "means of the standardized numeric columns, then Bernoulli logits of the binary columns,"
                                + " then logits of each one-hot group (log-softmax within the group)";
                    default -> "mean";
                });
        node.put("weight_layout", "[out, in], y = x W^T + b (PyTorch Linear)");
        ArrayNode weights = node.putArray("weights");
        for (ParameterLayout.Entry e : VaeModel.layoutOf(config).entries()) {
            ObjectNode w = weights.addObject();
            w.put("name", e.name());
            ArrayNode shape = w.putArray("shape");
            for (long d : e.shape()) {
                shape.add(d);
            }
        }
        return node;
    }

    /** The column groups of a tabular or categorical model, under {@code "columns"}. */
    private static void describeColumns(ObjectNode node, VaeConfig config) {
        TabularLayout layout = config.tabular();
        ObjectNode columns = node.putObject("columns");
        columns.put("numeric", layout.numeric());
        columns.put("binary", layout.binary());
        ArrayNode categories = columns.putArray("categories");
        for (int k : layout.categories()) {
            categories.add(k);
        }
        columns.put(
                "order",
                "features are [numeric | binary | one-hot group 1 | group 2 | ...];"
                        + " schema.json names the columns, their statistics and categories");
        if (layout.numeric() > 0) {
            node.put("gaussian_scale", config.gaussianScale());
            node.put(
                    "gaussian_scale_mode",
                    "learned sigma per numeric column: decoder.log_scale [numeric] holds log sigma" + " (floor "
                            + Likelihood.MIN_LEARNED_SCALE + "), gaussian_scale is its initial value");
        }
    }

    private static TabularLayout readColumns(Path file, JsonNode node) {
        JsonNode columns = node.path("columns");
        if (!columns.isObject()) {
            throw new DataException(file, "columns", "missing: a tabular model needs its column layout");
        }
        return new TabularLayout(
                columns.path("numeric").asInt(-1), columns.path("binary").asInt(-1), ints(file, columns, "categories"));
    }

    /** The architecture of {@code model.json}, every field validated, read once. */
    public VaeConfig readModelConfig() {
        if (modelConfig == null) {
            modelConfig = parseModelConfig();
        }
        return modelConfig;
    }

    private VaeConfig parseModelConfig() {
        Path file = modelDescriptionFile();
        JsonNode node = readJson(file);
        if (!"elbo4j-vae".equals(node.path("format").asText())) {
            throw new DataException(file, "format", "not an elbo4j VAE description");
        }
        try {
            VaeConfig.Builder b = VaeConfig.builder()
                    .inputShape(ints(file, node, "input_shape"))
                    .hidden(ints(file, node, "hidden"))
                    .latent(node.path("latent").asInt(0))
                    .activation(Activation.parse(node.path("activation").asText("")))
                    .likelihood(Likelihood.parse(node.path("likelihood").asText("")));
            if (node.path("architecture").asText("mlp").equals("conv")) {
                b.conv(ints(file, node, "channels"));
            }
            String prior = node.path("prior").asText("standard_normal");
            b.prior(
                    prior.equals("standard_normal") ? LatentPrior.NORMAL : LatentPrior.parse(prior),
                    node.path("pseudo_inputs").asInt(0));
            if (node.has("conditions")) {
                b.conditions(node.path("conditions").asInt(-1));
            }
            if (Likelihood.parse(node.path("likelihood").asText("")).tabular()) {
                b.tabular(readColumns(file, node));
            }
            if (node.has("gaussian_scale")) {
                b.gaussianScale(node.path("gaussian_scale").asDouble());
            }
            return b.build();
        } catch (IllegalArgumentException e) {
            throw new DataException(file, null, e.getMessage());
        }
    }

    private static int[] ints(Path file, JsonNode node, String field) {
        JsonNode array = node.path(field);
        if (!array.isArray()) {
            throw new DataException(file, field, "missing or not an array");
        }
        int[] values = new int[array.size()];
        for (int i = 0; i < values.length; i++) {
            values[i] = array.get(i).asInt(-1);
        }
        return values;
    }

    /** Writes the final weights ({@code model.safetensors}) atomically. */
    public void writeModel(VaeModel model) {
        Map<String, String> metadata = new LinkedHashMap<>();
        metadata.put("format", "elbo4j-vae");
        String id = runId();
        if (id != null) {
            metadata.put(RUN_ID, id);
        }
        Safetensors.write(modelFile(), model.namedWeights(), metadata);
    }

    /** Loads the model described by {@code model.json} with the weights of {@code model.safetensors}. */
    public VaeModel loadModel(NDManager manager) {
        VaeConfig config = readModelConfig();
        Path weights = modelFile();
        if (!Files.isRegularFile(weights)) {
            throw new DataException(weights, null, "no trained weights (did training finish?)");
        }
        Safetensors.Contents contents = Safetensors.read(weights);
        requireSameRun(weights, contents.metadata().get(RUN_ID), runId());
        try {
            return VaeModel.fromWeights(
                    config,
                    contents.tensors(),
                    manager,
                    "does not match " + modelDescriptionFile().getFileName());
        } catch (IllegalArgumentException e) {
            throw new DataException(weights, null, e.getMessage());
        }
    }

    /**
     * Refuses a file that records another run's id. A file without one was written before elbo4j
     * recorded ids (or outside a run) and is accepted.
     */
    static void requireSameRun(Path file, String recorded, String expected) {
        if (recorded != null && expected != null && !recorded.equals(expected)) {
            throw new DataException(
                    file,
                    RUN_ID,
                    "belongs to another run (" + recorded + "), not to this run (" + expected
                            + "); it was copied in from elsewhere");
        }
    }

    /** Appends one row to {@code metrics.jsonl} and forces it to disk. */
    public void appendMetrics(EpochMetrics m) {
        String line = m.toJson() + "\n";
        try {
            Files.writeString(
                    metricsFile(),
                    line,
                    StandardCharsets.UTF_8,
                    StandardOpenOption.CREATE,
                    StandardOpenOption.APPEND,
                    StandardOpenOption.SYNC);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot append to " + metricsFile(), e);
        }
    }

    /**
     * Keeps only the metric rows of epochs up to {@code epoch} (rewritten atomically), so that a
     * resumed run continues the file with no duplicate and no gap. A torn last line, left by a
     * process killed while appending, and the rows of epochs after the checkpoint's are dropped.
     *
     * @return what was dropped, one line each, for the user (empty when nothing was)
     * @throws DataException if the file breaks the policy of {@link MetricsLog}
     */
    public List<String> truncateMetricsAfter(int epoch) {
        MetricsLog log = MetricsLog.read(metricsFile());
        List<String> notices = new ArrayList<>();
        if (log.notice() != null) {
            notices.add(log.notice());
        }
        List<String> kept = new ArrayList<>();
        for (JsonNode row : log.rows()) {
            if (row.path("epoch").asInt() <= epoch) {
                kept.add(row.toString());
            }
        }
        if (kept.size() < log.rows().size()) {
            notices.add(metricsFile() + ": dropped the rows of epochs " + (epoch + 1) + " to " + log.lastEpoch()
                    + ", after the checkpoint's epoch " + epoch);
        }
        if (Files.exists(metricsFile()) && !notices.isEmpty()) {
            AtomicFiles.writeString(metricsFile(), kept.isEmpty() ? "" : String.join("\n", kept) + "\n");
        }
        return notices;
    }

    /** The rows of {@code metrics.jsonl}, oldest first (an absent file has none), under the policy of {@link MetricsLog}. */
    public List<JsonNode> readMetrics() {
        return readMetricsLog().rows();
    }

    /** {@code metrics.jsonl} read under the policy of {@link MetricsLog}, with its notice. */
    public MetricsLog readMetricsLog() {
        return MetricsLog.read(metricsFile());
    }

    private static void writeJson(Path file, JsonNode node) {
        try {
            AtomicFiles.writeString(file, JSON.writeValueAsString(node) + "\n");
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Reads a JSON file, throwing a {@link DataException} that names it if it is missing, unreadable or not valid JSON. */
    public static JsonNode readJson(Path file) {
        try {
            return JSON.readTree(file.toFile());
        } catch (JsonProcessingException e) {
            throw new DataException(file, null, "not valid JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new DataException(file, null, Files.exists(file) ? "cannot read: " + e.getMessage() : "no such file");
        }
    }
}
