/**
 * Delivering one finished reply of a {@code response_url} or {@code webhook} bot: the reply is posted
 * as markdown, split for the webhook's 4,096-byte limit, paced by a per-bot rate limit shared through
 * Redis, retried on transient errors, recorded on {@code wecom.deliveries}, and dead-lettered when it
 * cannot be delivered. Which reply runs when, and on which instance, is the outbox's business.
 */
@NullMarked
package io.wecomrelay.responder.delivery;

import org.jspecify.annotations.NullMarked;
