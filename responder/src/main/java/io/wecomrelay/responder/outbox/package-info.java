/**
 * Durable active delivery: the fold that finishes a stream of a {@code response_url} or {@code webhook}
 * bot appends a job to the bot's Redis Stream outbox in the same atomic step; in every responder
 * instance an {@link io.wecomrelay.responder.outbox.OutboxWorker} per bot takes the bot's lease, reads
 * the outbox through a consumer group, delivers, records the outcome and only then acknowledges.
 * {@link io.wecomrelay.responder.outbox.OutboxDelivery} runs the workers while the application runs and
 * describes the design.
 */
@NullMarked
package io.wecomrelay.responder.outbox;

import org.jspecify.annotations.NullMarked;
