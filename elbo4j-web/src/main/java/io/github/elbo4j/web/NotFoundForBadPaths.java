package io.github.elbo4j.web;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;

/**
 * Jetty's error page, except that a request Jetty rejects as a bad request before the router sees
 * it (a path such as {@code /../x} or {@code /%2e%2e/x} that climbs above the root) gets the same
 * plain 404 as any other path outside the served runs: a prober learns nothing from the difference.
 * Error pages carry the same {@link SecurityHeaders} as every other response.
 */
final class NotFoundForBadPaths extends ErrorHandler {

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
        SecurityHeaders.ALL.forEach(response.getHeaders()::put);
        Object status = request.getAttribute(ERROR_STATUS);
        if (status instanceof Integer code && code == 400) {
            response.setStatus(404);
            response.getHeaders().put(HttpHeader.CONTENT_TYPE, "text/plain; charset=utf-8");
            response.write(true, ByteBuffer.wrap("Not found".getBytes(StandardCharsets.UTF_8)), callback);
            return true;
        }
        return super.handle(request, response, callback);
    }
}
