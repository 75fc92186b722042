package io.github.elbo4j.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.elbo4j.data.DataLocator;
import io.github.elbo4j.data.DatasetCatalog;
import io.github.elbo4j.data.DatasetInfo;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code elbo4j datasets}: the named datasets, where they are looked for and whether present. */
@Command(
        name = "datasets",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = "List the named datasets, where elbo4j looks for them and whether they are present.")
final class DatasetsCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(
            names = "--data-dir",
            paramLabel = "DIR",
            description = "Look here first (else $ELBO4J_DATA, then ~/.cache/elbo4j).")
    Path dataDir;

    @Mixin
    CommonOptions common = new CommonOptions();

    @Override
    public Integer call() {
        DataLocator locator = DataLocator.fromEnvironment(dataDir);
        ObjectNode json = Output.object();
        ArrayNode list = json.putArray("datasets");
        StringBuilder human =
                new StringBuilder(String.format("%-16s %-9s %s%n", "NAME", "PRESENT", "LOCATION / DESCRIPTION"));
        for (DatasetInfo info : DatasetCatalog.builtIn().all()) {
            Optional<Path> location = info.procedural() ? Optional.empty() : locator.locate(info);
            boolean present = info.procedural() || location.isPresent();
            ObjectNode row = list.addObject();
            row.put("name", info.name());
            row.put("description", info.description());
            row.put("present", present);
            row.put("procedural", info.procedural());
            row.put("downloadable", info.downloadable());
            location.ifPresent(p -> row.put("location", p.toString()));
            ArrayNode searched = row.putArray("searched");
            if (!info.procedural()) {
                locator.searchFolders(info).forEach(p -> searched.add(p.toString()));
            }
            String where = info.procedural()
                    ? "(generated on demand)"
                    : location.map(Path::toString).orElse("not found; looked in " + locator.searchFolders(info));
            human.append(String.format(
                    "%-16s %-9s %s%n%-16s %-9s %s%n",
                    info.name(), present ? "yes" : "no", where, "", "", info.description()));
        }
        Output.print(
                spec.commandLine().getOut(), common.json, json, human.toString().stripTrailing());
        return 0;
    }
}
