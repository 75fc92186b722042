package io.github.elbo4j.data;

import java.nio.file.Path;

/**
 * Bad input data: a malformed file, a value that is not a number, a dataset that cannot be found or
 * a download whose checksum does not match.
 *
 * <p>The message is always one line, {@code "<file>: <record>: <problem>"} (the record part is
 * left out when there is none), for example {@code "/x/train.csv: line 17, column 3 (mom_iq): 'abc'
 * is not a number"}; command-line tools print it as it is and exit with status 2.
 */
public final class DataException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final transient Path file;
    private final String record;
    private final String problem;

    /**
     * A problem in a file.
     *
     * @param file the file (may be {@code null} when the problem is not about one file)
     * @param record where in the file, e.g. {@code "line 17, column 3 (x)"}, or {@code null}
     * @param problem what is wrong, e.g. {@code "'abc' is not a number"}
     */
    public DataException(Path file, String record, String problem) {
        this(file, record, problem, null);
    }

    /**
     * A problem in a file, caused by a lower-level exception.
     *
     * @param file the file (may be {@code null})
     * @param record where in the file, or {@code null}
     * @param problem what is wrong
     * @param cause the exception that revealed the problem (may be {@code null})
     */
    public DataException(Path file, String record, String problem, Throwable cause) {
        super(format(file, record, problem), cause);
        this.file = file;
        this.record = oneLine(record);
        this.problem = oneLine(problem);
    }

    /**
     * A problem that is not tied to one file, such as an unknown dataset name.
     *
     * @param message the whole one-line message
     */
    public DataException(String message) {
        this(null, null, message, null);
    }

    /** The file the problem is in, or {@code null}. */
    public Path file() {
        return file;
    }

    /** Where in the file (line, column, header, entry), or {@code null}. */
    public String record() {
        return record;
    }

    /** What is wrong. */
    public String problem() {
        return problem;
    }

    private static String format(Path file, String record, String problem) {
        StringBuilder message = new StringBuilder();
        if (file != null) {
            message.append(file).append(": ");
        }
        if (record != null) {
            message.append(oneLine(record)).append(": ");
        }
        message.append(oneLine(problem));
        return message.toString();
    }

    // A message printed by the CLI must stay on one line even when it quotes user data.
    private static String oneLine(String text) {
        if (text == null) {
            return null;
        }
        return text.replace("\r\n", " ").replace('\n', ' ').replace('\r', ' ');
    }
}
