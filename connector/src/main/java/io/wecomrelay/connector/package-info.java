/**
 * The connector service: holds the WeCom long connections (WebSocket) of long-connection bots, one owner per bot
 * across instances through the consumer group of {@code wecom.outbound}. {@link io.wecomrelay.connector.ConnectorConfiguration}
 * is the only wiring: it hands the feature packages plain values and records from
 * {@link io.wecomrelay.connector.ConnectorProperties}, and the feature packages use no Spring Boot type.
 */
@NullMarked
package io.wecomrelay.connector;

import org.jspecify.annotations.NullMarked;
