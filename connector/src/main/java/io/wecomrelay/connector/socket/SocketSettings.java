package io.wecomrelay.connector.socket;

import java.net.URI;
import java.time.Duration;
import java.util.Objects;

/**
 * @param url             WeCom's long-connection endpoint ({@code wss://openws.work.weixin.qq.com}, or {@code ws://} for a simulator)
 * @param pingInterval    heartbeat period; two pings without an ack close the socket and reconnect
 * @param ackTimeout      how long a frame's ack may take (the official SDK waits 5 s)
 * @param initialBackoff  first wait before subscribing again; doubles per failed try, jittered ±50 %
 * @param maxBackoff      the longest wait between tries
 * @param frequencyBackoff the wait after WeCom answered 45009 (subscribes too frequent)
 * @param maxFrameBytes   largest frame accepted from WeCom
 * @param kickedRetry     how long a bot WeCom kicked ({@code disconnected_event}) stays closed before it subscribes
 *                        once more, doubling per kick in a row (at most a day); zero: never again on this instance
 */
public record SocketSettings(URI url, Duration pingInterval, Duration ackTimeout, Duration initialBackoff,
                             Duration maxBackoff, Duration frequencyBackoff, int maxFrameBytes, Duration kickedRetry) {

    public SocketSettings {
        Objects.requireNonNull(url, "url");
        Objects.requireNonNull(pingInterval, "pingInterval");
        Objects.requireNonNull(ackTimeout, "ackTimeout");
        Objects.requireNonNull(initialBackoff, "initialBackoff");
        Objects.requireNonNull(maxBackoff, "maxBackoff");
        Objects.requireNonNull(frequencyBackoff, "frequencyBackoff");
        Objects.requireNonNull(kickedRetry, "kickedRetry");
    }
}
