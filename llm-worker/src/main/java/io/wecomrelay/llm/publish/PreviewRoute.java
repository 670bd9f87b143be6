package io.wecomrelay.llm.publish;

/** {@code relay.worker.previews.route}: where the chunks of a streaming bot's answer before its last one go. */
public enum PreviewRoute {
    /**
     * Folded into {@code stream:{streamId}} by the worker, with the responder's script; only the last chunk, the whole
     * answer, goes to {@code wecom.chunks}. A preview is visible a Kafka round trip and a responder poll sooner, and
     * costs no records.
     */
    REDIS,
    /** Every chunk to {@code wecom.chunks}, folded by the responder: an audit trail of every preview. */
    CHUNKS
}
