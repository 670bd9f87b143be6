package io.wecomrelay.connector.ownership;

import java.time.Clock;

import io.wecomrelay.connector.continuation.AfterFinish;
import io.wecomrelay.connector.inbound.InboundRelay;
import io.wecomrelay.connector.reply.OpenStreams;
import io.wecomrelay.connector.reply.ReplySettings;
import io.wecomrelay.connector.reply.ReplyTraces;
import io.wecomrelay.connector.reply.Snapshots;
import io.wecomrelay.connector.socket.SocketMetrics;
import io.wecomrelay.connector.socket.SocketSettings;
import reactor.netty.http.client.HttpClient;

/** What every bot's session is made of; one set per instance. */
public record SessionParts(HttpClient http, SocketSettings socket, SocketMetrics metrics, OpenStreams open,
                           Snapshots snapshots, ReplySettings replies, AfterFinish afterFinish, InboundRelay inbound,
                           Clock clock, ReplyTraces traces) {
}
