package io.github.elbo4j.cli;

import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

/**
 * Writes the command-line reference, {@code docs/cli.md}, from picocli's command tree: every
 * subcommand's description, synopsis and options with their help texts and defaults. The page is
 * generated rather than written so that it cannot drift from {@code --help};
 * {@link CliReferenceTest} fails when the committed page is stale and rewrites it on request.
 */
final class CliReference {

    /** The command that regenerates the page, quoted in its header. */
    static final String REGENERATE = "./mvnw -q -pl elbo4j-cli -am test -Dtest=CliReferenceTest "
            + "-Dsurefire.failIfNoSpecifiedTests=false -Delbo4j.docs.write=true";

    /** Width of the synopsis blocks: fixed, so that the page does not depend on the terminal. */
    private static final int WIDTH = 100;

    /** A full stop that ends a sentence, not an abbreviation such as "et al." or "e.g.". */
    private static final Pattern SENTENCE_END = Pattern.compile("(?<!\\bal|\\be\\.g|\\bi\\.e)\\. ");

    private CliReference() {}

    /** The Markdown page for the command tree of {@link Main}. */
    static String markdown() {
        CommandLine root = Main.newCommandLine();
        StringBuilder page = new StringBuilder();
        page.append("# Command-line reference\n\n")
                .append("<!-- Generated from the picocli command tree by CliReference; do not edit. Regenerate with:\n")
                .append("     ")
                .append(REGENERATE)
                .append(" -->\n\n")
                .append("`./elbo4j` in the repository root runs the command line once it is built ")
                .append("(`./mvnw -q -DskipTests package`). Every command prints this text with `--help`. ")
                .append("Exit codes: 0 success, 1 runtime failure, 2 bad usage or bad input.\n\n");
        page.append(section(root));
        page.append("## Commands\n\n");
        for (CommandLine sub : subcommands(root)) {
            page.append("- [`")
                    .append(sub.getCommandName())
                    .append("`](#elbo4j-")
                    .append(sub.getCommandName())
                    .append("): ")
                    .append(firstSentence(sub.getCommandSpec()))
                    .append('\n');
        }
        page.append('\n');
        for (CommandLine sub : subcommands(root)) {
            page.append(section(sub));
        }
        return page.toString();
    }

    private static List<CommandLine> subcommands(CommandLine root) {
        return root.getSubcommands().values().stream()
                .distinct()
                .filter(sub -> !(sub.getCommand() instanceof CommandLine.HelpCommand))
                .toList();
    }

    private static String section(CommandLine command) {
        CommandSpec spec = command.getCommandSpec();
        command.setUsageHelpWidth(WIDTH);
        CommandLine.Help help = command.getHelp();
        StringBuilder out = new StringBuilder();
        out.append("## ")
                .append(spec.qualifiedName())
                .append("\n\n")
                .append(joined(spec.usageMessage().description()))
                .append("\n\n")
                .append("```text\n")
                .append(help.synopsis(0).stripTrailing())
                .append("\n```\n\n");
        List<PositionalParamSpec> positionals =
                spec.positionalParameters().stream().filter(p -> !p.hidden()).toList();
        List<OptionSpec> options =
                spec.options().stream().filter(o -> !o.hidden()).toList();
        if (!positionals.isEmpty() || !options.isEmpty()) {
            out.append("| option | description |\n|---|---|\n");
            for (PositionalParamSpec p : positionals) {
                out.append("| `")
                        .append(p.paramLabel())
                        .append("` | ")
                        .append(cell(p.description()))
                        .append(" |\n");
            }
            for (OptionSpec o : options) {
                out.append("| ")
                        .append(names(o))
                        .append(" | ")
                        .append(cell(o.description()))
                        .append(" |\n");
            }
            out.append('\n');
        }
        return out.toString();
    }

    private static String names(OptionSpec option) {
        String label = option.typeInfo().isBoolean() ? "" : "=" + option.paramLabel();
        return Arrays.stream(option.names())
                .map(name -> "`" + name + (name.startsWith("--") ? label : "") + "`")
                .collect(Collectors.joining(", "));
    }

    private static String firstSentence(CommandSpec spec) {
        String text = joined(spec.usageMessage().description());
        Matcher end = SENTENCE_END.matcher(text);
        return end.find() ? text.substring(0, end.start() + 1) : text;
    }

    private static String cell(String[] lines) {
        return joined(lines).replace("|", "\\|");
    }

    /** Help lines joined into one paragraph: picocli wraps them again for the terminal. */
    private static String joined(String[] lines) {
        return String.join(" ", lines).replaceAll("\\s+", " ").strip();
    }
}
