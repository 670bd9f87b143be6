package io.wecomrelay.responder.delivery;

import java.util.Objects;

import org.jspecify.annotations.Nullable;

/**
 * WeCom's answer to one send, classified.
 *
 * @param errcode WeCom's errcode when it answered with JSON, otherwise null
 * @param detail  secret-free: errmsg, HTTP status or exception type; never a URL or key
 */
public record SendResult(Kind kind, @Nullable Integer errcode, String detail) {

    /** How the caller goes on. */
    public enum Kind {
        /** errcode 0. */
        DELIVERED,
        /** 45009, -1 (busy), HTTP 5xx, timeouts, connection errors: try again later. */
        TRANSIENT,
        /** Anything else (93000 invalid webhook, 40008 invalid type, HTTP 4xx): trying again cannot help. */
        PERMANENT
    }

    public SendResult {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(detail, "detail");
    }

    /** Classifies a JSON answer {@code {"errcode":..,"errmsg":..}}. */
    public static SendResult ofErrcode(int errcode, String errmsg) {
        if (errcode == 0) {
            return new SendResult(Kind.DELIVERED, 0, "ok");
        }
        Kind kind = errcode == WeComErrors.FREQUENCY_LIMIT || errcode == WeComErrors.SYSTEM_BUSY
                ? Kind.TRANSIENT : Kind.PERMANENT;
        return new SendResult(kind, errcode, errmsg);
    }
}
