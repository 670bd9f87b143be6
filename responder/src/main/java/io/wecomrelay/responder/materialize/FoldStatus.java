package io.wecomrelay.responder.materialize;

/** What folding one event did to its stream. */
public enum FoldStatus {
    /** Applied, and this event finished the stream: the only result that triggers active delivery. */
    FINISHED,
    /** Applied; the stream goes on. */
    APPLIED,
    /** The same attempt already folded this sequence number (a redelivery): nothing changed. */
    DUPLICATE,
    /** The stream holds a newer attempt: nothing changed. */
    STALE,
    /** The stream was already finished: nothing changed, nothing is delivered again. */
    FINAL
}
