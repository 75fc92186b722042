package io.github.elbo4j.cli;

import io.github.elbo4j.data.SettingException;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The one place where the libraries' setting names become command-line options. The libraries
 * name what is wrong in their own words ({@code "batchSize must be at least 1, got 0"}), which a
 * Java or Spark user sets; a user of the command line set {@code --batch-size} and is told so.
 */
final class OptionNames {

    /**
     * Settings whose option is not their name in kebab case; every other setting {@code fooBar} is
     * {@code --foo-bar}.
     */
    private static final Map<String, String> OPTIONS = Map.of(
            "learningRate", "--lr",
            "learningRateSchedule", "--lr-schedule",
            "priorWarmupEpochs", "--prior-warmup",
            "conditions", "--condition",
            "maxParticleRows", "--max-rows",
            "workers", "--threads",
            "score", "--by",
            "k", "--iwae-k",
            "gradient", "--iwae-gradient",
            "schedule", "--kl-schedule");

    private OptionNames() {}

    /** The command-line option that sets {@code setting}, e.g. {@code --batch-size} for {@code batchSize}. */
    static String option(String setting) {
        String option = OPTIONS.get(setting);
        return option != null
                ? option
                : "--" + setting.replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase(Locale.ROOT);
    }

    /** The exception's message with each setting it names replaced by its option. */
    static String inOptionWords(SettingException e) {
        String message = e.getMessage();
        for (String setting : e.settings()) {
            message = Pattern.compile("(?<![\\w-])" + Pattern.quote(setting) + "(?![\\w-])")
                    .matcher(message)
                    .replaceAll(Matcher.quoteReplacement(option(setting)));
        }
        return message;
    }
}
