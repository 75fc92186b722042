package io.github.elbo4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicContainer;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs the shell examples of {@code README.md}, {@code docs/*.md} and {@code examples/README.md}
 * as a reader would, and checks that each exits with status 0.
 *
 * <p>Every {@code bash}, {@code sh} or {@code shell} code block is a test. All blocks run in one
 * scratch folder that looks like the repository root ({@code examples/} is copied there and
 * {@code ./elbo4j} starts this build's command line: the launcher itself needs the packaged jar,
 * which {@code mvn test} does not build), in reading order: the README first, then the pages of
 * {@code docs/} alphabetically, then {@code examples/README.md}. So a page may use what a reader
 * has after the README's first command, {@code runs/shapes}, and each page names its own other
 * runs. An HTML comment on the line before a block changes what runs:
 * <ul>
 *   <li>{@code <!-- doc-test: skip REASON -->}: the block is not run (it needs data or software the
 *       build does not have, or runs for minutes);</li>
 *   <li>{@code <!-- doc-test: instead COMMAND -->}: COMMAND runs in its place, a shorter stand-in
 *       whose output the later blocks use (e.g. the first training run with fewer epochs).</li>
 * </ul>
 */
class DocumentationCommandsTest {

    /** A fenced shell block: where it is, what it says, and the directive before it (or null). */
    record Block(Path page, int line, String code, String directive) {}

    private static final Pattern FENCE = Pattern.compile("^```(bash|sh|shell)\\s*$");
    private static final Pattern DIRECTIVE = Pattern.compile("^<!--\\s*doc-test:\\s*(.*?)\\s*-->\\s*$");
    private static final long BLOCK_TIMEOUT_S = 300;

    @TempDir
    Path scratch;

    @TestFactory
    Stream<DynamicNode> shellExamplesRunAsShown() throws IOException {
        Path root = RepositoryRoot.find();
        Path folder = scratch.resolve("repository");
        return pages(root).stream().map(page -> {
            List<Block> blocks = blocks(page);
            List<DynamicTest> tests = new ArrayList<>();
            for (Block block : blocks) {
                String name = root.relativize(page) + ":" + block.line();
                tests.add(DynamicTest.dynamicTest(name, () -> run(root, folder, block, name)));
            }
            return (DynamicNode)
                    DynamicContainer.dynamicContainer(root.relativize(page).toString(), tests);
        });
    }

    @Test
    void directivesAreRecognisedAndFencesClosed() throws IOException {
        Path root = RepositoryRoot.find();
        for (Path page : pages(root)) {
            List<String> lines = Files.readAllLines(page, StandardCharsets.UTF_8);
            boolean open = false;
            for (int i = 0; i < lines.size(); i++) {
                String line = lines.get(i);
                if (line.startsWith("```")) {
                    open = !open;
                }
                Matcher m = DIRECTIVE.matcher(line);
                if (m.matches()) {
                    assertThat(m.group(1)).as("%s:%d", page, i + 1).matches("(skip|instead) \\S.*");
                    assertThat(i + 1 < lines.size()
                                    && FENCE.matcher(lines.get(i + 1)).matches())
                            .as("%s:%d: a doc-test directive must be the line right before a shell block", page, i + 1)
                            .isTrue();
                }
            }
            assertThat(open).as("%s: a code fence is not closed", page).isFalse();
        }
    }

    /** README.md, docs/*.md (not the dated notes) and examples/README.md. */
    static List<Path> pages(Path root) throws IOException {
        List<Path> pages = new ArrayList<>();
        pages.add(root.resolve("README.md"));
        try (Stream<Path> docs = Files.list(root.resolve("docs"))) {
            docs.filter(p -> p.toString().endsWith(".md")).sorted().forEach(pages::add);
        }
        Path examples = root.resolve("examples").resolve("README.md");
        if (Files.exists(examples)) {
            pages.add(examples);
        }
        return pages;
    }

    static List<Block> blocks(Path page) {
        List<String> lines;
        try {
            lines = Files.readAllLines(page, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        List<Block> blocks = new ArrayList<>();
        boolean inOtherBlock = false;
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            if (inOtherBlock) {
                inOtherBlock = !line.startsWith("```");
                continue;
            }
            if (!FENCE.matcher(line).matches()) {
                inOtherBlock = line.startsWith("```");
                continue;
            }
            Matcher directive = i > 0 ? DIRECTIVE.matcher(lines.get(i - 1)) : null;
            StringBuilder code = new StringBuilder();
            int start = i + 1;
            for (i++; i < lines.size() && !lines.get(i).startsWith("```"); i++) {
                code.append(lines.get(i)).append('\n');
            }
            blocks.add(new Block(
                    page,
                    start,
                    code.toString(),
                    directive != null && directive.matches() ? directive.group(1) : null));
        }
        return blocks;
    }

    private static void run(Path root, Path folder, Block block, String name) throws Exception {
        if (block.directive() != null && block.directive().startsWith("skip")) {
            org.junit.jupiter.api.Assumptions.abort(name + ": " + block.directive());
        }
        if (!Files.exists(folder)) {
            prepare(root, folder);
        }
        String code = block.directive() != null
                ? block.directive().substring("instead".length()).strip()
                : block.code();
        Path script = folder.resolve(".doc-test.sh");
        Files.writeString(script, "set -euo pipefail\n" + code, StandardCharsets.UTF_8);
        Path log = folder.resolve(".doc-test.log");
        Process process = new ProcessBuilder("bash", script.toString())
                .directory(folder.toFile())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        boolean finished = process.waitFor(BLOCK_TIMEOUT_S, TimeUnit.SECONDS);
        if (!finished) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly().waitFor();
        }
        String output = Files.readString(log, StandardCharsets.UTF_8);
        assertThat(finished)
                .as("%s ran longer than %d s:%n%s%n%s", name, BLOCK_TIMEOUT_S, code, tail(output))
                .isTrue();
        assertThat(process.exitValue())
                .as("%s exited with %d:%n%s%n%s", name, process.exitValue(), code, tail(output))
                .isZero();
    }

    /** A folder that looks like the repository root to the examples: examples/ and ./elbo4j. */
    private static void prepare(Path root, Path folder) throws IOException {
        Files.createDirectories(folder);
        Path examples = root.resolve("examples");
        try (Stream<Path> files = Files.walk(examples)) {
            for (Path source : files.sorted(Comparator.naturalOrder()).toList()) {
                Path target = folder.resolve("examples")
                        .resolve(examples.relativize(source).toString());
                if (Files.isDirectory(source)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(source, target);
                }
            }
        }
        String java = ProcessHandle.current().info().command().orElse("java");
        Path launcher = folder.resolve("elbo4j");
        Files.writeString(
                launcher,
                String.join(
                        "\n",
                        "#!/usr/bin/env bash",
                        "# Stands in for the repository's launcher: the same command line, from the test classpath.",
                        "exec '" + java + "' --add-modules jdk.incubator.vector -XX:CompileCommand=quiet -Xmx768m \\",
                        "  -cp '" + System.getProperty("java.class.path") + "' " + Main.class.getName() + " \"$@\"",
                        ""),
                StandardCharsets.UTF_8);
        Files.setPosixFilePermissions(launcher, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    private static String tail(String output) {
        return output.length() <= 4000 ? output : "..." + output.substring(output.length() - 4000);
    }
}
