package io.wecomrelay.responder.delivery;

import reactor.core.publisher.Mono;

/**
 * One run of one delivery job: what earlier runs of the same job already did, and whether this run
 * may still send. A job runs again when the instance that ran it died or lost its lease before it
 * acknowledged the job; parts marked {@link PartState#SENT} or {@link PartState#RECORDED} are then not
 * sent again. A part marked {@link PartState#SENDING} is: nobody knows whether WeCom took it.
 */
public interface DeliveryRun {

    /** What earlier runs did with part {@code part} (1-based). */
    PartState state(int part);

    /** Called right before each send of the part: until it is marked sent, its fate is unknown. */
    Mono<Void> markSending(int part);

    /** Called right after WeCom accepted the part, before its outcome is recorded. */
    Mono<Void> markSent(int part);

    /** Called after the part's {@code DELIVERED} outcome was written to {@code wecom.deliveries}. */
    Mono<Void> markRecorded(int part);

    /**
     * Completes when this run may start one more send; errors when it may not (the instance lost, or
     * is about to lose, the bot's delivery lease), which stops the run without an outcome.
     */
    Mono<Void> checkMaySend();

    /** Where a part of a job stands after earlier runs. */
    enum PartState {
        /** Never accepted by WeCom as far as we know: send it. */
        NOT_SENT,
        /**
         * An earlier run sent it (or was about to) and never learned or noted the answer: send it again; a
         * response_url that refuses it now was used by that send.
         */
        SENDING,
        /** Accepted by WeCom, outcome maybe not recorded: record it, do not send again. */
        SENT,
        /** Accepted and recorded: nothing to do. */
        RECORDED
    }
}
