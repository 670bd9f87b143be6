package io.wecomrelay.schemas.outbound;

import java.net.URI;

import org.jspecify.annotations.Nullable;

/** The outcome of checking one URL: the parsed URI when it may be requested, otherwise why not. */
public record OutboundVerdict(@Nullable URI uri, @Nullable Refusal refusal) {

    /** The {@link #code()} of an allowed URL. */
    public static final String ALLOWED = "allowed";

    public OutboundVerdict {
        if ((uri == null) == (refusal == null)) {
            throw new IllegalArgumentException("a verdict is either a URI or a refusal");
        }
    }

    static OutboundVerdict allowed(URI uri) {
        return new OutboundVerdict(uri, null);
    }

    static OutboundVerdict refused(Refusal refusal) {
        return new OutboundVerdict(null, refusal);
    }

    public boolean isAllowed() {
        return uri != null;
    }

    /** {@code "allowed"} or the refusal's code: what metrics and events record. */
    public String code() {
        return refusal == null ? ALLOWED : refusal.code();
    }

    /** Signed URLs carry credentials in their query: only scheme, host and port are ever shown. */
    @Override
    public String toString() {
        return uri == null ? "refused(" + code() + ")" : "allowed(" + uri.getScheme() + "://" + uri.getRawAuthority() + ")";
    }
}
