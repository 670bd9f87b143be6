package io.wecomrelay.llm.media;

import java.net.URI;
import java.net.URISyntaxException;

import org.jspecify.annotations.Nullable;

/**
 * The host of a media URL, fit for a log line: signed URLs carry credentials in their path and
 * query, so only the host is ever shown, and a refused URL's host is attacker-chosen text, so it is
 * cut to a short run of host characters. Pure.
 */
public final class MediaHosts {

    private static final int MAX_CHARS = 80;

    private MediaHosts() {
    }

    public static String of(String url) {
        @Nullable String host;
        try {
            URI uri = new URI(url);
            host = uri.getHost() != null ? uri.getHost() : authorityHost(uri.getRawAuthority());
        } catch (URISyntaxException e) {
            return "-";
        }
        return host == null || host.isEmpty() ? "-" : clean(host);
    }

    /** {@link URI#getHost()} gives up on hosts such as {@code 127.1}; take the authority without userinfo and port. */
    private static @Nullable String authorityHost(@Nullable String authority) {
        if (authority == null) {
            return null;
        }
        String host = authority.substring(authority.lastIndexOf('@') + 1);
        int colon = host.lastIndexOf(':');
        return colon > host.lastIndexOf(']') ? host.substring(0, colon) : host;
    }

    private static String clean(String host) {
        var out = new StringBuilder(Math.min(host.length(), MAX_CHARS));
        for (int i = 0; i < host.length() && out.length() < MAX_CHARS; i++) {
            char c = host.charAt(i);
            boolean hostChar = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || c == '.' || c == '-' || c == ':' || c == '[' || c == ']';
            out.append(hostChar ? c : '?');
        }
        return out.toString();
    }
}
