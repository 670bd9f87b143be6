package io.wecomrelay.responder.delivery;

import java.util.Objects;

import io.wecomrelay.schemas.event.DeliveryFailure;
import org.jspecify.annotations.Nullable;

/**
 * WeCom's answer to one send, classified.
 *
 * @param errcode WeCom's errcode when it answered with JSON, otherwise null
 * @param detail  secret-free: errmsg, HTTP status, refusal code or exception type; never a URL or key
 * @param failure why trying again cannot help; set exactly on {@link Kind#PERMANENT} results
 */
public record SendResult(Kind kind, @Nullable Integer errcode, String detail, @Nullable DeliveryFailure failure) {

    /** How the caller goes on. */
    public enum Kind {
        /** errcode 0. */
        DELIVERED,
        /** 45009, -1 (busy), HTTP 5xx and 429, timeouts, connection errors: try again later. */
        TRANSIENT,
        /**
         * Anything else (93000 invalid webhook, 40008 invalid type, HTTP 4xx, a URL the outbound policy
         * refuses, an expired response_url): trying again cannot help.
         */
        PERMANENT
    }

    public SendResult {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(detail, "detail");
        if ((kind == Kind.PERMANENT) != (failure != null)) {
            throw new IllegalArgumentException("a permanent result, and only that, names its failure");
        }
    }

    /** A delivered or transient result, or a permanent one that WeCom {@link DeliveryFailure#REJECTED rejected}. */
    public SendResult(Kind kind, @Nullable Integer errcode, String detail) {
        this(kind, errcode, detail, kind == Kind.PERMANENT ? DeliveryFailure.REJECTED : null);
    }

    /** Given up before or instead of asking WeCom. */
    public static SendResult givenUp(DeliveryFailure failure, String detail) {
        return new SendResult(Kind.PERMANENT, null, detail, failure);
    }

    /** This rejection of a used response_url, recorded as the delivery an earlier send of the part made. */
    SendResult usedEarlier() {
        return new SendResult(Kind.DELIVERED, errcode, "ok (an earlier send used the response_url; now: " + detail + ")");
    }

    /** Classifies a JSON answer {@code {"errcode":..,"errmsg":..}}. */
    public static SendResult ofErrcode(int errcode, String errmsg) {
        if (errcode == 0) {
            return new SendResult(Kind.DELIVERED, 0, "ok");
        }
        Kind kind = errcode == WeComErrors.FREQUENCY_LIMIT || errcode == WeComErrors.SYSTEM_BUSY
                || errcode == WeComErrors.CONCURRENCY_LIMIT ? Kind.TRANSIENT : Kind.PERMANENT;
        return new SendResult(kind, errcode, errmsg);
    }

    /** Classifies an HTTP status that is not 2xx: 5xx and 429 (too many requests) pass, the rest repeat. */
    public static SendResult ofHttpStatus(int status) {
        boolean passes = status >= 500 || status == 429;
        return new SendResult(passes ? Kind.TRANSIENT : Kind.PERMANENT, null, "HTTP " + status);
    }
}
