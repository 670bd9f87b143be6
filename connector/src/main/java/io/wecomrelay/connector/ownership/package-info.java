/**
 * Which bots this instance holds the sockets of: exactly those whose bot id falls, by Kafka's own partitioner, into
 * a partition of {@code wecom.outbound} that the connector consumer group assigned to it. Sockets open on assignment
 * and close on revocation, before the partition moves on, so two instances never hold one bot.
 */
@NullMarked
package io.wecomrelay.connector.ownership;

import org.jspecify.annotations.NullMarked;
