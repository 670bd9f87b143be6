/**
 * One bot's WebSocket to WeCom: subscribe with jittered exponential back-off, heartbeat, acks matched by
 * {@code req_id}; after {@code disconnected_event} no reconnect, only one more try after a long pause.
 */
@NullMarked
package io.wecomrelay.connector.socket;

import org.jspecify.annotations.NullMarked;
