package io.wecomrelay.ingress.responseurl;

import java.util.Locale;

/** The outcome of a {@link ResponseUrlCheck}: allowed, or why not (its {@link #code()} goes on the event and the metric). */
public enum ResponseUrlVerdict {
    ALLOWED,
    /** Not https (and not an allow-listed local {@code http://host:port}). */
    NOT_HTTPS,
    /** A well-formed https URL whose host (and port) is not on the allow-list. */
    HOST_NOT_ALLOWED,
    /** An IP literal of a loopback, private, link-local, CGNAT, multicast, unspecified or otherwise internal address. */
    FORBIDDEN_ADDRESS,
    /** Not a plain absolute URL: whitespace, control or non-ASCII characters, backslashes, user info, a bad port, ... */
    MALFORMED;

    public boolean allowed() {
        return this == ALLOWED;
    }

    /** e.g. {@code forbidden_address}. */
    public String code() {
        return name().toLowerCase(Locale.ROOT);
    }
}
