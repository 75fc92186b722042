package io.github.elbo4j.web;

import io.javalin.http.sse.SseClient;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;

/**
 * The event stream of one connected page: a bounded queue of event batches that the {@link EventHub}
 * fills without ever waiting, and a {@link #pump} that writes them to the page on the page's own
 * thread. A page that stops reading blocks only its own pump; once its queue is full the hub closes
 * it, and the browser's EventSource reconnects and starts over from a full reset.
 */
final class PageStream {

    /** One server-sent event, or a comment line when {@code name} is null. */
    record Event(String name, String data) {

        static Event comment(String text) {
            return new Event(null, text);
        }
    }

    private final SseClient client;
    private final BlockingQueue<List<Event>> queue;
    private volatile boolean closed;

    PageStream(SseClient client, int capacity) {
        this.client = client;
        this.queue = new ArrayBlockingQueue<>(capacity);
    }

    /** Queues {@code batch} without waiting; false when the queue is full or the page is gone. */
    boolean offer(List<Event> batch) {
        return !closed && !client.terminated() && queue.offer(batch);
    }

    /** Ends {@link #pump} after the write in progress, if any. */
    void close() {
        closed = true;
        queue.clear();
        queue.offer(List.of()); // wakes a pump waiting for the next batch
    }

    /**
     * Writes queued batches to the page until it disconnects or is closed. Runs on the thread that
     * serves this page's request; returning ends the response.
     */
    void pump() throws InterruptedException {
        while (!closed && !client.terminated()) {
            for (Event event : queue.take()) {
                if (closed || client.terminated()) {
                    return;
                }
                if (event.name() == null) {
                    client.sendComment(event.data());
                } else {
                    client.sendEvent(event.name(), event.data());
                }
            }
        }
    }
}
