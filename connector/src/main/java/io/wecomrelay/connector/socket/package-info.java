/**
 * One bot's WebSocket to WeCom: subscribe with jittered exponential back-off, heartbeat, acks matched by
 * {@code req_id}, never a reconnect after {@code disconnected_event}.
 */
@NullMarked
package io.wecomrelay.connector.socket;

import org.jspecify.annotations.NullMarked;
