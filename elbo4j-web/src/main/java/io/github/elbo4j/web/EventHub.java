package io.github.elbo4j.web;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.http.sse.SseClient;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Feeds the pages' server-sent events from the served runs' files. Each poll reads the lines
 * appended to every {@code metrics.jsonl} and the modification times of the plots, and sends what
 * changed to every connected page:
 * <ul>
 *   <li>{@code reset}: {@code {"run": id, "rows": [...]}}, every row so far (on connect, and after a
 *       run rewrote its metrics on resume);</li>
 *   <li>{@code metrics}: {@code {"run": id, "rows": [...]}}, rows appended since the last poll;</li>
 *   <li>{@code plots}: {@code {"run": id, "plots": [{"name", "version"}]}}, when a PNG changed;</li>
 *   <li>{@code runs}: {@code {}}, when a new run appeared in a served folder.</li>
 * </ul>
 * A new page first gets the full state, then the changes, in order: both happen under one lock.
 */
final class EventHub {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final RunCatalog catalog;
    private final Map<String, MetricsTail> tails = new HashMap<>();
    private final Map<String, List<JsonNode>> rows = new HashMap<>();
    private final Map<String, ArrayNode> plots = new HashMap<>();
    private final List<SseClient> clients = new CopyOnWriteArrayList<>();

    EventHub(RunCatalog catalog) {
        this.catalog = catalog;
    }

    /** Sends the full state to a new page and subscribes it to changes. */
    synchronized void connect(SseClient client) {
        client.keepAlive();
        client.onClose(() -> clients.remove(client));
        for (ServedRun run : catalog.runs()) {
            send(client, "reset", rowsEvent(run.id(), rows.getOrDefault(run.id(), List.of())));
            if (plots.containsKey(run.id())) {
                send(client, "plots", plotsEvent(run.id(), plots.get(run.id())));
            }
        }
        clients.add(client);
    }

    /** Reads what changed on disk and sends it to every page. */
    synchronized void poll() {
        if (catalog.refresh()) {
            broadcast("runs", JSON.createObjectNode());
        }
        for (ServedRun run : catalog.runs()) {
            pollMetrics(run);
            pollPlots(run);
        }
    }

    /** A comment line that keeps proxies from closing idle streams and reveals closed pages. */
    synchronized void keepAlive() {
        for (SseClient client : clients) {
            if (client.terminated()) {
                clients.remove(client);
            } else {
                client.sendComment("keep-alive");
            }
        }
    }

    /** Number of pages connected. */
    int clientCount() {
        return clients.size();
    }

    private void pollMetrics(ServedRun run) {
        MetricsTail.Chunk chunk;
        try {
            chunk = tails.computeIfAbsent(run.id(), id -> new MetricsTail(run.directory().metricsFile())).poll();
        } catch (IOException e) {
            return; // unreadable for now (being replaced); the next poll tries again
        }
        List<JsonNode> parsed = new ArrayList<>();
        for (String line : chunk.lines()) {
            try {
                parsed.add(JSON.readTree(line));
            } catch (JsonProcessingException e) {
                // a damaged line is skipped here; train and report name it
            }
        }
        List<JsonNode> history = rows.computeIfAbsent(run.id(), id -> new ArrayList<>());
        if (chunk.reset()) {
            history.clear();
            history.addAll(parsed);
            broadcast("reset", rowsEvent(run.id(), history));
        } else if (!parsed.isEmpty()) {
            history.addAll(parsed);
            broadcast("metrics", rowsEvent(run.id(), parsed));
        }
    }

    private void pollPlots(ServedRun run) {
        ArrayNode current = JSON.createArrayNode();
        for (String name : catalog.plotNames(run)) {
            try {
                Path file = run.directory().plotsDirectory().resolve(name);
                current.addObject().put("name", name).put("version", Files.getLastModifiedTime(file).toMillis());
            } catch (IOException e) {
                // replaced between listing and reading; the next poll sees the new file
            }
        }
        if (!current.equals(plots.get(run.id()))) {
            plots.put(run.id(), current);
            broadcast("plots", plotsEvent(run.id(), current));
        }
    }

    private static ObjectNode rowsEvent(String run, List<JsonNode> list) {
        ObjectNode event = JSON.createObjectNode();
        event.put("run", run);
        event.putArray("rows").addAll(list);
        return event;
    }

    private static ObjectNode plotsEvent(String run, ArrayNode list) {
        ObjectNode event = JSON.createObjectNode();
        event.put("run", run);
        event.set("plots", list);
        return event;
    }

    private void broadcast(String event, ObjectNode data) {
        for (SseClient client : clients) {
            send(client, event, data);
        }
    }

    private void send(SseClient client, String event, ObjectNode data) {
        if (client.terminated()) {
            clients.remove(client);
            return;
        }
        client.sendEvent(event, data.toString());
    }
}
