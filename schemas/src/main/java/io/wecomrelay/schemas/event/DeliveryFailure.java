package io.wecomrelay.schemas.event;

/**
 * Why a reply was not delivered: the reason of a {@link DeliveryOutcome#FAILED} record (final; the reply
 * also went to the dead-letter topic) or of a {@link DeliveryOutcome#SKIPPED} one ({@link #TOO_OLD} only).
 */
public enum DeliveryFailure {
    /** The message had no {@code response_url}, or the webhook bot has no key. */
    NO_TARGET,
    /** The reply was empty. */
    EMPTY_REPLY,
    /**
     * The outbound policy refused the {@code response_url} (malformed, not https, host not on the
     * allow-list, or an internal address, before or after resolution); the detail names the refusal.
     */
    REFUSED_URL,
    /** WeCom refused it for good: an errcode that repeats, or an HTTP 4xx other than 429. */
    REJECTED,
    /** Transient failures (45009, -1, HTTP 5xx or 429, timeouts) until the retries ran out. */
    RETRIES_EXHAUSTED,
    /** The {@code response_url} was older than its lifetime. */
    URL_EXPIRED,
    /** The job's message was older than the maximum reply age when the job came up in the bot's outbox. */
    JOB_EXPIRED,
    /** The bot's outbox was deeper than its maximum; its oldest jobs were dropped. */
    OUTBOX_FULL,
    /**
     * The message was already older than the maximum reply age when its stream finished, so the reply was never
     * queued ({@link DeliveryOutcome#SKIPPED}): a replayed or long-delayed record.
     */
    TOO_OLD
}
