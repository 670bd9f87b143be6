/**
 * Delivering one finished reply of a {@code response_url} or {@code webhook} bot
 * ({@link io.wecomrelay.responder.delivery.ReplyDeliverer}): the reply is posted as markdown
 * ({@link io.wecomrelay.responder.delivery.WeComReplySender}), split for the webhook's 4,096-byte limit,
 * paced by a per-bot send rate limit shared through Redis, retried on transient errors, recorded on
 * {@code wecom.deliveries}, and dead-lettered when it cannot be delivered
 * ({@link io.wecomrelay.responder.delivery.UndeliverableReplies}). Which reply runs when, and on which
 * instance, is the outbox's business.
 */
@NullMarked
package io.wecomrelay.responder.delivery;

import org.jspecify.annotations.NullMarked;
