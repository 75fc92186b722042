package io.github.elbo4j.data;

import java.util.List;

/**
 * A setting with a value that cannot work: an epoch count below 1, a prior that does not combine
 * with a likelihood, a quantile outside (0, 1).
 *
 * <p>The message is one line in the library's words: it names settings by their record component
 * or parameter names ({@code "epochs must be at least 1, got 0"}, {@code "likelihood tabular works
 * with architecture mlp only"}), because a Java or Spark user sets them that way. {@link
 * #settings()} lists every name the message uses, so that a front end with its own vocabulary (the
 * command line's {@code --epochs}) can put its names in their place without parsing prose.
 */
public final class SettingException extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;

    private final List<String> settings;

    /**
     * A problem with one or more settings.
     *
     * @param message the one-line message, naming each setting as it appears in {@code settings}
     * @param settings the setting names the message uses, the one at fault first
     */
    public SettingException(String message, String... settings) {
        super(message);
        if (settings.length == 0) {
            throw new IllegalArgumentException("a SettingException names at least one setting");
        }
        this.settings = List.of(settings);
    }

    /** The setting names the message uses, the one at fault first. */
    public List<String> settings() {
        return settings;
    }
}
