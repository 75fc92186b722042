package io.github.elbo4j.web;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.elbo4j.data.SettingException;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.util.JavalinBindException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The dashboard: a read-only web server over run directories (Javalin). It serves the page and its
 * scripts from the classpath (Chart.js from its WebJar, so no network is needed), a JSON list of the
 * runs, the PNGs of each run's {@code plots} folder, and a server-sent event stream fed by polling
 * the runs' {@code metrics.jsonl} (see {@link EventHub}). Every other path, and every path that
 * tries to leave those folders ({@code ../}, encoded forms, absolute paths), gets 404. A request
 * whose {@code Host} is not one of the server's own names gets 403 ({@link AllowedHosts}: no web
 * page can read the runs through DNS rebinding), and every response carries {@link SecurityHeaders}.
 */
public final class DashboardServer implements AutoCloseable {

    /** Default port of {@code elbo4j dashboard}. */
    public static final int DEFAULT_PORT = 8765;

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String CHART_JS = "/META-INF/resources/webjars/chart.js/4.5.1/dist/chart.umd.min.js";
    private static final String PAGE_RESOURCES = "/io/github/elbo4j/web/";
    /** The page's own files: nothing else on the classpath is reachable. */
    private static final Map<String, String> ASSETS = Map.of(
            "dashboard.js", "text/javascript",
            "explorer.js", "text/javascript",
            "dashboard.css", "text/css");

    private static final long POLL_MILLIS = 250;
    private static final long KEEP_ALIVE_SECONDS = 15;

    private final Javalin app;
    private final RunCatalog catalog;
    private final EventHub hub;
    private final ScheduledExecutorService poller;

    private DashboardServer(RunCatalog catalog, String host, int port) {
        this.catalog = catalog;
        this.hub = new EventHub(catalog);
        AllowedHosts allowedHosts = new AllowedHosts(host);
        this.app = Javalin.create(config -> {
            config.startup.showJavalinBanner = false;
            config.jetty.modifyServer(server -> server.setErrorHandler(new NotFoundForBadPaths()));
            config.routes.before(ctx -> {
                SecurityHeaders.ALL.forEach(ctx::header);
                if (!allowedHosts.accepts(ctx.header("Host"), ctx.req().getLocalPort())) {
                    ctx.status(403)
                            .contentType("text/plain")
                            .result("Forbidden: this dashboard answers only to"
                                    + " localhost, 127.0.0.1, [::1] and the address it listens on");
                    ctx.skipRemainingHandlers();
                }
            });
            config.routes.get("/", ctx -> resource(ctx, PAGE_RESOURCES + "index.html", "text/html; charset=utf-8"));
            config.routes.get("/assets/chart.umd.min.js", ctx -> resource(ctx, CHART_JS, "text/javascript"));
            config.routes.get("/assets/{name}", this::asset);
            config.routes.get("/api/runs", this::runs);
            config.routes.get("/runs/{id}/plots/{name}", this::plot);
            config.routes.sse("/api/events", hub::connect);
            config.routes.error(404, ctx -> ctx.contentType("text/plain").result("Not found"));
        });
        hub.poll();
        try {
            app.start(host, port);
        } catch (JavalinBindException e) {
            throw new SettingException(
                    "port " + port + ": cannot listen on " + host + ":" + port + " (in use?); pick another port",
                    "port");
        }
        this.poller = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread thread = new Thread(r, "elbo4j-dashboard-poll");
            thread.setDaemon(true);
            return thread;
        });
        poller.scheduleWithFixedDelay(this::pollQuietly, POLL_MILLIS, POLL_MILLIS, TimeUnit.MILLISECONDS);
        poller.scheduleWithFixedDelay(hub::keepAlive, KEEP_ALIVE_SECONDS, KEEP_ALIVE_SECONDS, TimeUnit.SECONDS);
    }

    /**
     * Starts serving {@code catalog} on {@code host}:{@code port} (port 0 picks a free one).
     *
     * @throws IllegalArgumentException for a non-loopback host without {@code allowRemote}
     */
    public static DashboardServer start(RunCatalog catalog, String host, int port, boolean allowRemote) {
        if (port < 0 || port > 65535) {
            throw new SettingException("port must be between 0 and 65535, got " + port, "port");
        }
        return new DashboardServer(catalog, HostPolicy.check(host, allowRemote), port);
    }

    /** The port the server listens on. */
    public int port() {
        return app.port();
    }

    /** The runs served. */
    public RunCatalog catalog() {
        return catalog;
    }

    @Override
    public void close() {
        poller.shutdownNow();
        hub.close();
        app.stop();
    }

    private void pollQuietly() {
        try {
            hub.poll();
        } catch (RuntimeException e) {
            // A scheduled task that throws is never run again; a failed poll must not end the stream.
        }
    }

    private void asset(Context ctx) throws IOException {
        String type = ASSETS.get(ctx.pathParam("name"));
        if (type == null) {
            ctx.status(404).result("Not found");
            return;
        }
        resource(ctx, PAGE_RESOURCES + ctx.pathParam("name"), type + "; charset=utf-8");
    }

    private void runs(Context ctx) throws IOException {
        ArrayNode list = JSON.createArrayNode();
        for (ServedRun run : catalog.runs()) {
            ObjectNode node = list.addObject();
            node.put("id", run.id());
            node.put(
                    "name",
                    run.root().getFileName() == null
                            ? run.id()
                            : run.root().getFileName().toString());
            node.set("config", summary(run));
            ArrayNode plots = node.putArray("plots");
            catalog.plotNames(run).forEach(plots::add);
        }
        ctx.contentType("application/json").result(JSON.writeValueAsString(list));
    }

    /** The few configuration fields a comparison table shows; an unreadable config gives none. */
    private static ObjectNode summary(ServedRun run) {
        ObjectNode summary = JSON.createObjectNode();
        try {
            var config = JSON.readTree(run.directory().configFile().toFile());
            summary.set("model", config.path("model").deepCopy());
            summary.set("training", config.path("training").deepCopy());
            summary.put("data", config.path("data").path("spec").asText(""));
            if (summary.path("model").isObject()) {
                ((ObjectNode) summary.get("model")).remove("weights");
            }
        } catch (IOException e) {
            summary.put("error", "config.json unreadable");
        }
        return summary;
    }

    private void plot(Context ctx) throws IOException {
        var file = catalog.plot(ctx.pathParam("id"), ctx.pathParam("name"));
        if (file.isEmpty()) {
            ctx.status(404).result("Not found");
            return;
        }
        ctx.contentType("image/png").result(Files.readAllBytes(file.get()));
    }

    private static void resource(Context ctx, String name, String type) throws IOException {
        try (InputStream in = DashboardServer.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new UncheckedIOException(new IOException("missing resource " + name));
            }
            ctx.contentType(type).result(in.readAllBytes());
        }
    }

    /** The URL of a served page, for messages. */
    public String url(String host) {
        String shown = host.contains(":") ? "[" + host + "]" : host;
        return "http://" + shown + ":" + port() + "/";
    }
}
