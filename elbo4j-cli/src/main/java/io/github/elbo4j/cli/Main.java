package io.github.elbo4j.cli;

import io.github.elbo4j.data.DataException;
import io.github.elbo4j.data.SettingException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.ReadOnlyFileSystemException;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** Entry point of the {@code elbo4j} executable. */
@Command(
        name = "elbo4j",
        mixinStandardHelpOptions = true,
        versionProvider = Versions.class,
        description = "Variational inference for the JVM: train, evaluate and use variational autoencoders.",
        subcommands = {
            TrainCommand.class,
            EvalCommand.class,
            SampleCommand.class,
            ViCommand.class,
            ReconstructCommand.class,
            EncodeCommand.class,
            InterpolateCommand.class,
            ScoreCommand.class,
            DiagnoseCommand.class,
            ExportCommand.class,
            ReportCommand.class,
            DashboardCommand.class,
            DatasetsCommand.class,
            BenchCommand.class,
            CommandLine.HelpCommand.class
        })
public final class Main implements Callable<Integer> {

    /** Exit code of a runtime failure. */
    public static final int RUNTIME_FAILURE = 1;
    /** Exit code of bad usage or bad input. */
    public static final int BAD_INPUT = 2;

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    /** Without a command there is nothing to do: the usage goes to standard error, as for any usage error. */
    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getErr());
        return BAD_INPUT;
    }

    /** Runs the {@code elbo4j} command line and exits with its code (0 success, {@value #RUNTIME_FAILURE} runtime failure, {@value #BAD_INPUT} bad usage or input); the commands and options are in docs/cli.md. */
    public static void main(String[] args) {
        System.exit(execute(args));
    }

    /** Runs the command line and returns its exit code (tests call this directly). */
    public static int execute(String... args) {
        return newCommandLine().execute(args);
    }

    /** A command line whose failures become one-line messages with the documented exit codes. */
    public static CommandLine newCommandLine() {
        CommandLine cli = new CommandLine(new Main());
        cli.setParameterExceptionHandler((e, arguments) -> {
            PrintWriter err = e.getCommandLine().getErr();
            err.println("elbo4j: " + e.getMessage());
            err.println("Try '" + e.getCommandLine().getCommandSpec().qualifiedName() + " --help' for usage.");
            return BAD_INPUT;
        });
        cli.setExecutionStrategy(parsed -> {
            OutputGuard.recordInputs(parsed);
            try {
                return new CommandLine.RunLast().execute(parsed);
            } finally {
                OutputGuard.clear();
            }
        });
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            boolean verbose = parseResult.subcommands().stream().anyMatch(p -> p.hasMatchedOption("--verbose"));
            PrintWriter err = commandLine.getErr();
            if (verbose) {
                e.printStackTrace(err);
            }
            err.println("elbo4j: " + oneLine(e));
            return isBadInput(e) ? BAD_INPUT : RUNTIME_FAILURE;
        });
        return cli;
    }

    /**
     * Bad input is exit code 2: malformed data or options, and a run or output folder the user cannot
     * write (permissions, a read-only file system), whichever command meets it first.
     */
    static boolean isBadInput(Throwable e) {
        return e instanceof DataException || e instanceof IllegalArgumentException || isNotWritable(e);
    }

    private static boolean isNotWritable(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof AccessDeniedException
                    || t instanceof ReadOnlyFileSystemException
                    || t instanceof FileSystemException f
                            && f.getReason() != null
                            && f.getReason().contains("Read-only file system")) {
                return true;
            }
        }
        return false;
    }

    private static String oneLine(Exception e) {
        String message = e instanceof SettingException s
                ? OptionNames.inOptionWords(s)
                : e instanceof UncheckedIOException u && u.getCause() != null ? u.getMessage() : e.getMessage();
        if (message == null || message.isBlank()) {
            message = e.getClass().getSimpleName();
        }
        return message.replace('\n', ' ').strip();
    }
}
