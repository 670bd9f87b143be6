/**
 * Callback frames that arrive on a long connection become the same {@code message-received} events on
 * {@code wecom.inbound} as ingress's callbacks (channel {@code long-connection}, with the frame's req_id), and get
 * their first answer: a stream's first frame once Kafka has the message, a welcome or card update at once.
 */
@NullMarked
package io.wecomrelay.connector.inbound;

import org.jspecify.annotations.NullMarked;
