package io.github.elbo4j.web;

import io.github.elbo4j.data.SettingException;
import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * Where the dashboard may listen. It serves the files of training runs without authentication, so
 * by default only this machine may reach it: a non-loopback address needs an explicit opt-in.
 */
public final class HostPolicy {

    private HostPolicy() {}

    /**
     * Checks {@code host} and returns it.
     *
     * @throws IllegalArgumentException when {@code host} does not resolve, or resolves to a
     *     non-loopback address and {@code allowRemote} is false
     */
    public static String check(String host, boolean allowRemote) {
        InetAddress address;
        try {
            address = InetAddress.getByName(host);
        } catch (UnknownHostException e) {
            throw new SettingException("host " + host + ": unknown host", "host");
        }
        if (!address.isLoopbackAddress() && !allowRemote) {
            throw new SettingException(
                    "host " + host + " is not a loopback address; the dashboard has no"
                            + " authentication, so set allowRemote to serve the runs to other machines anyway",
                    "host",
                    "allowRemote");
        }
        return host;
    }
}
