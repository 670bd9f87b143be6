package io.wecomrelay.schemas.event;

/** The result of one delivery attempt. */
public enum DeliveryOutcome {
    /** WeCom answered errcode 0. */
    DELIVERED,
    /** A transient failure (45009, 5xx, network); another attempt follows. */
    RETRYING,
    /** Given up for good ({@link DeliveryFailure} says why); the reply went to the dead-letter topic. */
    FAILED,
    /**
     * Not sent, not queued and not dead-lettered, because nobody can receive it any more: its message was
     * older than the maximum reply age when the responder finished its stream (a replay, a reset consumer
     * group, a long backlog). The reason is {@link DeliveryFailure#TOO_OLD}.
     */
    SKIPPED
}
