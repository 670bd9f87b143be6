package io.wecomrelay.schemas.outbound;

import java.util.Locale;

/**
 * One allow-list entry: {@code host}, {@code host:port} (https; port 443 when absent) or
 * {@code http://host:port} (plain http, for local simulators only: the port is then required).
 * Hosts are matched exactly, case-insensitively; there are no wildcards.
 */
public record OutboundEntry(boolean plainHttp, String host, int port) {

    public OutboundEntry {
        host = Hosts.normalize(host);
        if (host.isEmpty() || port < 1 || port > 65_535) {
            throw new IllegalArgumentException("an allow-list entry needs a host and a port in 1..65535");
        }
    }

    /** Parses {@code host[:port]}, {@code https://host[:port]} or {@code http://host:port}. */
    public static OutboundEntry parse(String text) {
        String entry = text.strip().toLowerCase(Locale.ROOT);
        boolean plainHttp = false;
        if (entry.startsWith("http://")) {
            plainHttp = true;
            entry = entry.substring("http://".length());
        } else if (entry.startsWith("https://")) {
            entry = entry.substring("https://".length());
        }
        if (entry.endsWith("/")) {
            entry = entry.substring(0, entry.length() - 1);
        }
        if (entry.isEmpty() || entry.contains("/") || entry.contains("@") || entry.contains("*")) {
            throw new IllegalArgumentException("allow-list entries are host[:port], http://host:port or https://host[:port]: " + text);
        }
        String host = entry;
        int port = -1;
        int colon = entry.lastIndexOf(':');
        boolean bracketed = entry.startsWith("[");
        if (colon > 0 && (!bracketed || colon > entry.indexOf(']'))) {
            host = entry.substring(0, colon);
            try {
                port = Integer.parseInt(entry.substring(colon + 1));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("allow-list entry with a bad port: " + text);
            }
        }
        if (port < 0) {
            if (plainHttp) {
                throw new IllegalArgumentException("an http:// allow-list entry needs an explicit port: " + text);
            }
            port = 443;
        }
        return new OutboundEntry(plainHttp, host, port);
    }

    boolean matches(String scheme, String normalizedHost, int requestPort) {
        return host.equals(normalizedHost) && port == requestPort && plainHttp == scheme.equals("http");
    }

    @Override
    public String toString() {
        return (plainHttp ? "http://" : "") + (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
    }
}
