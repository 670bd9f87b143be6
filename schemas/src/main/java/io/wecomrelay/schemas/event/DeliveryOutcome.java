package io.wecomrelay.schemas.event;

/** The result of one delivery attempt. */
public enum DeliveryOutcome {
    /** WeCom answered errcode 0. */
    DELIVERED,
    /** A transient failure (45009, 5xx, network); another attempt follows. */
    RETRYING,
    /** Given up for good ({@link DeliveryFailure} says why); the reply went to the dead-letter topic. */
    FAILED
}
