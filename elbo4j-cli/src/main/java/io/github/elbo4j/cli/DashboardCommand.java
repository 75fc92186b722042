package io.github.elbo4j.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.elbo4j.web.DashboardServer;
import io.github.elbo4j.web.RunCatalog;
import io.github.elbo4j.web.ServedRun;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code elbo4j dashboard}: serves live curves, plots, run comparison and the ELBO explorer. */
@Command(
        name = "dashboard",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {
            "Serve a local dashboard of runs, plots and the ELBO explorer.",
            "Serve a local, read-only dashboard of one run or a folder of runs: live training curves "
                    + "(updated as metrics.jsonl grows), the latest plots, a comparison of the runs, and the ELBO "
                    + "explorer. Runs until interrupted (Ctrl-C)."
        })
final class DashboardCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(
            names = "--run",
            paramLabel = "RUN",
            required = true,
            description = "A run directory, or a folder whose run directories are all shown (new ones appear).")
    Path run;

    @Option(
            names = "--port",
            paramLabel = "PORT",
            defaultValue = "" + DashboardServer.DEFAULT_PORT,
            description = "Default: ${DEFAULT-VALUE}; 0 picks a free port.")
    int port;

    @Option(
            names = "--host",
            paramLabel = "HOST",
            defaultValue = "127.0.0.1",
            description = "Address to listen on. Default: ${DEFAULT-VALUE} (this machine only).")
    String host;

    @Option(
            names = "--allow-remote",
            description = "Allow a non-loopback --host: anyone who reaches it can read the runs' plots and metrics.")
    boolean allowRemote;

    @Mixin
    CommonOptions common = new CommonOptions();

    @Override
    public Integer call() throws InterruptedException {
        RunCatalog catalog = RunCatalog.open(run);
        CountDownLatch stopped = new CountDownLatch(1);
        DashboardServer server = DashboardServer.start(catalog, host, port, allowRemote);
        Thread stop = new Thread(
                () -> {
                    server.close();
                    stopped.countDown();
                },
                "elbo4j-dashboard-stop");
        Runtime.getRuntime().addShutdownHook(stop);
        ObjectNode json = Output.object();
        json.put("url", server.url(host));
        json.put("port", server.port());
        ArrayNode runs = json.putArray("runs");
        for (ServedRun served : catalog.runs()) {
            runs.add(served.root().toString());
        }
        Output.print(
                spec.commandLine().getOut(),
                common.json,
                json,
                String.format(
                        "Dashboard of %d run(s) at %s (read-only; Ctrl-C stops it)",
                        catalog.runs().size(), server.url(host)));
        stopped.await();
        return 0;
    }
}
