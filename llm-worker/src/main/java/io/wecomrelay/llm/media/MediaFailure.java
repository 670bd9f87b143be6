package io.wecomrelay.llm.media;

import java.util.Locale;

import io.wecomrelay.llm.reply.ErrorCodes;
import org.jspecify.annotations.Nullable;

/**
 * A file could not be passed on. {@link #code()} picks the user-facing sentence and is deliberately
 * coarse: whether a URL was refused, unreachable, answered with an error or held bytes that do not
 * decrypt, the user gets the same {@code media_download_failed} sentence, so that chat replies tell
 * nobody what the relay can reach. Only a file that is too large has its own sentence, a self-built app's
 * media id that WeCom no longer knows has {@code media_expired} (WeCom's answer, which tells nothing about the
 * relay), and Dify's upload errors keep theirs. {@link #reason()} tells operators what happened (metrics and logs).
 * The message names the cause without URLs or content, so it may be logged.
 */
final class MediaFailure extends RuntimeException {

    /** What went wrong, for metrics and logs only. */
    enum Reason {
        /** The URL is not on the allow-list, or its host resolved to an internal address: nothing was sent. */
        REFUSED,
        /** Connecting, reading or the transfer timeout failed. */
        UNREACHABLE,
        /** The media host answered a non-2xx status (an expired signature, for example). */
        HTTP,
        /** The bytes are not a valid encrypted file for the key. */
        DECRYPT,
        /** Larger than {@code media.max-size}, by {@code Content-Length}, while reading, or by Dify's limit. */
        TOO_LARGE,
        /** No room in the worker's media memory budget within {@code media.memory-wait}. */
        BUDGET,
        /** The reply's deadline came before the media were passed on. */
        DEADLINE,
        /** Dify did not take the upload. */
        UPLOAD,
        /** A self-built app's {@code media/get} said the media id is invalid: older than WeCom's three days, or wrong. */
        EXPIRED,
        /** A self-built app's {@code media/get} answered another errcode, or no access token could be had. */
        WECOM;

        String tag() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** WeCom's {@code invalid media_id}: the id is wrong, or older than three days. */
    static final int INVALID_MEDIA_ID = 40007;

    private final Reason reason;
    private final String code;
    private final @Nullable Integer errcode;

    private MediaFailure(Reason reason, String code, String cause, @Nullable Integer errcode) {
        super(cause, null, false, false);
        this.reason = reason;
        this.code = code;
        this.errcode = errcode;
    }

    private MediaFailure(Reason reason, String code, String cause) {
        this(reason, code, cause, null);
    }

    /** A file that could not be fetched or read: the one sentence for all such cases. */
    static MediaFailure unavailable(Reason reason, String cause) {
        return new MediaFailure(reason, ErrorCodes.MEDIA_DOWNLOAD_FAILED, cause);
    }

    static MediaFailure tooLarge(String cause) {
        return new MediaFailure(Reason.TOO_LARGE, ErrorCodes.MEDIA_TOO_LARGE, cause);
    }

    /** WeCom's API answered {@code errcode} instead of the file: 40007 {@code media_expired}, others the one sentence. */
    static MediaFailure wecom(int errcode) {
        return errcode == INVALID_MEDIA_ID
                ? new MediaFailure(Reason.EXPIRED, ErrorCodes.MEDIA_EXPIRED, "errcode " + errcode, errcode)
                : new MediaFailure(Reason.WECOM, ErrorCodes.MEDIA_DOWNLOAD_FAILED, "errcode " + errcode, errcode);
    }

    /** Dify refused or failed the upload; {@code code} is Dify's (or {@code network_error}). */
    static MediaFailure upload(String code, String cause) {
        return new MediaFailure(Reason.UPLOAD, code, cause);
    }

    Reason reason() {
        return reason;
    }

    String code() {
        return code;
    }

    /** WeCom's errcode, when its API answered one. */
    @Nullable Integer errcode() {
        return errcode;
    }
}
