package io.wecomrelay.schemas.outbound;

/** Why a URL may not be requested. The code goes into metrics, logs and events; the URL never does. */
public enum Refusal {
    /** Not an absolute URL we can parse without guessing: whitespace, backslashes, userinfo, no host. */
    MALFORMED("malformed"),
    /** A scheme other than {@code https}, or {@code http} to a host not listed with {@code http://}. */
    NOT_HTTPS("not_https"),
    /** The exact {@code host[:port]} is not on the allow-list. */
    HOST_NOT_ALLOWED("host_not_allowed"),
    /** The host is, or resolved to, an internal, loopback, link-local or otherwise special address. */
    FORBIDDEN_ADDRESS("forbidden_address");

    private final String code;

    Refusal(String code) {
        this.code = code;
    }

    public String code() {
        return code;
    }
}
