package io.github.elbo4j.web;

import java.util.Map;

/**
 * The headers of every response, error pages included: the page may load only its own scripts,
 * no other site may frame it (so it cannot be overlaid for clickjacking), nothing is sniffed or
 * cached.
 */
final class SecurityHeaders {

    /** Header name to value. */
    static final Map<String, String> ALL = Map.of(
            "Content-Security-Policy",
                    "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline';"
                            + " connect-src 'self'; frame-ancestors 'none'",
            "X-Frame-Options", "DENY",
            "X-Content-Type-Options", "nosniff",
            "Cache-Control", "no-store");

    private SecurityHeaders() {}
}
