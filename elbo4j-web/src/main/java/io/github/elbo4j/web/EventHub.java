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
 * A new page first gets the full state, then the changes, in order: its state is queued under the
 * same lock as the changes. The hub never writes to a page itself: each page has a bounded queue and
 * its own writer ({@link PageStream}), so a page that stops reading delays no other page and no
 * poll; when its queue fills up it is disconnected.
 */
final class EventHub {

    private static final ObjectMapper JSON = new ObjectMapper();
    /** Batches (one a poll with changes, or a keep-alive) a page may fall behind before it is dropped. */
    static final int QUEUE_BATCHES = 64;
    /** Pages served at once; each holds a thread while connected. */
    static final int MAX_PAGES = 32;

    private final RunCatalog catalog;
    private final Map<String, MetricsTail> tails = new HashMap<>();
    private final Map<String, List<JsonNode>> rows = new HashMap<>();
    /** Each run's serialized {@code reset} event, made once per change and shared by new pages. */
    private final Map<String, PageStream.Event> resets = new HashMap<>();

    private final Map<String, ArrayNode> plots = new HashMap<>();
    private final List<PageStream> pages = new CopyOnWriteArrayList<>();

    EventHub(RunCatalog catalog) {
        this.catalog = catalog;
    }

    /**
     * Serves one page: queues the full state, subscribes the page to changes and writes its events
     * until it disconnects. Blocks the calling (request) thread for as long as the page is open.
     */
    void connect(SseClient client) {
        PageStream page = subscribe(client);
        if (page == null) {
            client.sendComment("too many pages are open; retrying later");
            return;
        }
        try {
            page.pump();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt(); // the server is stopping
        } finally {
            pages.remove(page);
        }
    }

    private synchronized PageStream subscribe(SseClient client) {
        if (pages.size() >= MAX_PAGES) {
            return null;
        }
        List<PageStream.Event> state = new ArrayList<>();
        for (ServedRun run : catalog.runs()) {
            state.add(resets.computeIfAbsent(
                    run.id(), id -> event("reset", rowsEvent(id, rows.getOrDefault(id, List.of())))));
            if (plots.containsKey(run.id())) {
                state.add(event("plots", plotsEvent(run.id(), plots.get(run.id()))));
            }
        }
        PageStream page = new PageStream(client, QUEUE_BATCHES);
        page.offer(state);
        pages.add(page);
        return page;
    }

    /** Reads what changed on disk and queues it for every page. */
    synchronized void poll() {
        List<PageStream.Event> changes = new ArrayList<>();
        if (catalog.refresh()) {
            changes.add(event("runs", JSON.createObjectNode()));
        }
        for (ServedRun run : catalog.runs()) {
            pollMetrics(run, changes);
            pollPlots(run, changes);
        }
        if (!changes.isEmpty()) {
            publish(changes); // one batch: a page is never left with half a poll
        }
    }

    /** A comment line that keeps proxies from closing idle streams and reveals closed pages. */
    synchronized void keepAlive() {
        publish(List.of(PageStream.Event.comment("keep-alive")));
    }

    /** Disconnects every page. */
    synchronized void close() {
        pages.forEach(PageStream::close);
        pages.clear();
    }

    private void pollMetrics(ServedRun run, List<PageStream.Event> changes) {
        MetricsTail.Chunk chunk;
        try {
            chunk = tails.computeIfAbsent(
                            run.id(), id -> new MetricsTail(run.directory().metricsFile()))
                    .poll();
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
            PageStream.Event reset = event("reset", rowsEvent(run.id(), history));
            resets.put(run.id(), reset);
            changes.add(reset);
        } else if (!parsed.isEmpty()) {
            history.addAll(parsed);
            resets.remove(run.id());
            changes.add(event("metrics", rowsEvent(run.id(), parsed)));
        }
    }

    private void pollPlots(ServedRun run, List<PageStream.Event> changes) {
        ArrayNode current = JSON.createArrayNode();
        for (String name : catalog.plotNames(run)) {
            try {
                Path file = run.directory().plotsDirectory().resolve(name);
                current.addObject()
                        .put("name", name)
                        .put("version", Files.getLastModifiedTime(file).toMillis());
            } catch (IOException e) {
                // replaced between listing and reading; the next poll sees the new file
            }
        }
        if (!current.equals(plots.get(run.id()))) {
            plots.put(run.id(), current);
            changes.add(event("plots", plotsEvent(run.id(), current)));
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

    private static PageStream.Event event(String name, ObjectNode data) {
        return new PageStream.Event(name, data.toString());
    }

    /** Queues {@code batch} for every page; a page too far behind to take it is disconnected. */
    private void publish(List<PageStream.Event> batch) {
        for (PageStream page : pages) {
            if (!page.offer(batch)) {
                page.close();
                pages.remove(page);
            }
        }
    }
}
