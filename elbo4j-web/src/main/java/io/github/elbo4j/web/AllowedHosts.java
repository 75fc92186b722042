package io.github.elbo4j.web;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The {@code Host} header values the dashboard answers. A web page on another site can point its
 * own name at 127.0.0.1 (DNS rebinding) and then read the dashboard as if it were the same origin;
 * its requests still carry that name in {@code Host}, so answering only this server's own names
 * defeats it. Accepted: {@code localhost}, {@code 127.0.0.1}, {@code [::1]} and the address the
 * server was bound to; when bound to every interface ({@code --allow-remote --host 0.0.0.0}), also
 * any IP address literal (a name cannot be rebound onto a literal) and this machine's host name. A
 * port, when present, must be the port the request arrived on.
 */
final class AllowedHosts {

    private static final Pattern IP_LITERAL = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}|\\[[0-9a-f:.]+]");

    private final Set<String> names = new HashSet<>(Set.of("localhost", "127.0.0.1", "[::1]"));
    private final boolean anyAddressLiteral;

    /** The names of a server bound to {@code boundHost} (as given to {@code --host}). */
    AllowedHosts(String boundHost) {
        String bound = boundHost.toLowerCase(Locale.ROOT);
        names.add(bound.contains(":") && !bound.startsWith("[") ? "[" + bound + "]" : bound);
        boolean wildcard;
        try {
            wildcard = InetAddress.getByName(boundHost).isAnyLocalAddress();
        } catch (UnknownHostException e) {
            wildcard = false; // HostPolicy already refused it; nothing more to accept
        }
        anyAddressLiteral = wildcard;
        if (wildcard) {
            try {
                names.add(InetAddress.getLocalHost().getHostName().toLowerCase(Locale.ROOT));
            } catch (UnknownHostException e) {
                // no resolvable host name: remote pages use an address literal
            }
        }
    }

    /**
     * True when {@code hostHeader} names this server and, if it carries a port, {@code localPort}.
     * A missing or malformed header is refused.
     */
    boolean accepts(String hostHeader, int localPort) {
        if (hostHeader == null) {
            return false;
        }
        String host = hostHeader.strip().toLowerCase(Locale.ROOT);
        int portStart = host.startsWith("[") ? host.indexOf("]:") + 1 : host.lastIndexOf(':');
        if (portStart > 0) {
            if (!host.substring(portStart + 1).equals(Integer.toString(localPort))) {
                return false;
            }
            host = host.substring(0, portStart);
        }
        return names.contains(host)
                || anyAddressLiteral && IP_LITERAL.matcher(host).matches();
    }
}
