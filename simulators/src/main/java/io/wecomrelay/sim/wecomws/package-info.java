/**
 * WeCom's AI-bot long-connection server (智能机器人长连接, WebSocket) on a loopback port: subscribe with bot id and
 * secret, acks echoing {@code req_id}, one connection per bot ({@code disconnected_event} to the old socket), ping,
 * the error codes of the protocol reference §6.10, and injected messages and events. Used by the connector's tests
 * and by {@code ./run-local.sh}.
 */
@NullMarked
package io.wecomrelay.sim.wecomws;

import org.jspecify.annotations.NullMarked;
