package io.wecomrelay.ingress.responseurl;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

import org.jspecify.annotations.Nullable;

/**
 * {@link ResponseUrlCheck} against an allow-list of exact {@code host[:port]} entries (https; port 443 when
 * omitted) and {@code http://host:port} entries, which exist only for local simulators. Anything that is not
 * a plain absolute URL is refused before its host is looked at, so that no parser difference (backslashes,
 * user info, whitespace, percent-encoded or non-ASCII hosts) can make this check and the HTTP client disagree
 * about which host a URL names.
 */
public final class AllowListResponseUrlCheck implements ResponseUrlCheck {

    /** WeCom's response_url is about 150 characters. */
    private static final int MAX_LENGTH = 2048;
    private static final Pattern HOST_NAME = Pattern.compile("[a-z0-9]([a-z0-9.-]{0,251}[a-z0-9.])?");
    private static final Pattern PORT = Pattern.compile("[0-9]{1,5}");

    /** Canonical {@code scheme://host:port} of every allowed origin. */
    private final Set<String> allowed = new HashSet<>();

    /** @throws IllegalArgumentException for an entry that is not {@code host[:port]} or {@code http://host:port} */
    public AllowListResponseUrlCheck(List<String> entries) {
        for (String entry : entries) {
            String trimmed = entry.trim().toLowerCase(Locale.ROOT);
            boolean http = trimmed.startsWith("http://");
            Origin origin = origin(http ? "http" : "https", http ? trimmed.substring(7) : trimmed);
            if (origin == null || http && !origin.portGiven()) {
                throw new IllegalArgumentException("response-url allow-list entry '" + entry
                        + "' must be host[:port] (https) or http://host:port (local simulators only)");
            }
            allowed.add(origin.canonical());
        }
    }

    @Override
    public ResponseUrlVerdict check(String url) {
        if (url.length() > MAX_LENGTH || !url.chars().allMatch(c -> c > 0x20 && c < 0x7f && c != '\\')) {
            return ResponseUrlVerdict.MALFORMED;
        }
        URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException e) {
            return ResponseUrlVerdict.MALFORMED;
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("https") && !scheme.equals("http")) {
            return uri.isAbsolute() ? ResponseUrlVerdict.NOT_HTTPS : ResponseUrlVerdict.MALFORMED;
        }
        Origin origin = uri.isOpaque() || uri.getRawAuthority() == null ? null : origin(scheme, uri.getRawAuthority());
        if (origin == null) {
            return ResponseUrlVerdict.MALFORMED;
        }
        if (allowed.contains(origin.canonical())) {
            return ResponseUrlVerdict.ALLOWED;
        }
        if (origin.address() != null && AddressLiterals.forbidden(origin.address())) {
            return ResponseUrlVerdict.FORBIDDEN_ADDRESS;
        }
        return scheme.equals("https") ? ResponseUrlVerdict.HOST_NOT_ALLOWED : ResponseUrlVerdict.NOT_HTTPS;
    }

    /**
     * The origin of a raw authority, or null when it is not a plain {@code host[:port]}: no user info, no
     * percent-encoding, an ASCII host name or a valid IP literal, a port of at most 65535.
     */
    private static @Nullable Origin origin(String scheme, String authority) {
        if (authority.isEmpty() || authority.contains("@") || authority.contains("%")) {
            return null;
        }
        int hostEnd = authority.startsWith("[") ? authority.indexOf(']') + 1 : authority.lastIndexOf(':');
        if (hostEnd == 0) {
            return null; // '[' without ']'
        }
        String host = (hostEnd < 0 ? authority : authority.substring(0, hostEnd)).toLowerCase(Locale.ROOT);
        String rest = hostEnd < 0 ? "" : authority.substring(hostEnd);
        if (!rest.isEmpty() && !(rest.startsWith(":") && PORT.matcher(rest.substring(1)).matches())) {
            return null;
        }
        int port = rest.isEmpty() ? (scheme.equals("https") ? 443 : 80) : Integer.parseInt(rest.substring(1));
        if (port < 1 || port > 65_535) {
            return null;
        }
        byte[] address;
        try {
            address = AddressLiterals.parse(host);
        } catch (AddressLiterals.InvalidLiteral e) {
            return null;
        }
        if (address == null && !HOST_NAME.matcher(host).matches()) {
            return null;
        }
        return new Origin(scheme, host, port, !rest.isEmpty(), address);
    }

    private record Origin(String scheme, String host, int port, boolean portGiven, byte @Nullable [] address) {

        String canonical() {
            return scheme + "://" + host + ":" + port;
        }
    }
}
