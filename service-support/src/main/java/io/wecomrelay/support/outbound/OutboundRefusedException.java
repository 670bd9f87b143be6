package io.wecomrelay.support.outbound;

import java.io.IOException;

import io.wecomrelay.schemas.outbound.Refusal;

/**
 * A request the relay refused to make. Permanent: the same URL is refused the same way again, so
 * callers never retry it. The message holds the refusal's code only, never the URL.
 */
public final class OutboundRefusedException extends IOException {

    private final Refusal refusal;

    public OutboundRefusedException(Refusal refusal) {
        super("outbound request refused: " + refusal.code());
        this.refusal = refusal;
    }

    public Refusal refusal() {
        return refusal;
    }
}
