package io.wecomrelay.benchmarks.infra;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

import com.sun.net.httpserver.HttpServer;
import io.wecomrelay.sim.dify.DifySimulator;
import io.wecomrelay.sim.dify.DifySimulatorConfig;
import io.wecomrelay.sim.dify.Scenario;

/**
 * The Dify simulator in its own JVM, for the worker-concurrency benchmark: one JVM cannot hold both
 * ends of 10,000+ connections within the file-descriptor limit here. Every chat request is answered
 * with {@link Scenario#HOLD_OPEN} (headers, then a ping every 10 s, never an end). A control port
 * answers {@code GET /open} with the number of open streams and {@code GET /requests} with the
 * number of chat requests. Prints {@code LISTENING <sim port> <control port>}; stops when stdin closes.
 */
public final class DifySimMain {

    private DifySimMain() {
    }

    public static void main(String[] args) throws IOException {
        var simulator = DifySimulator.start(DifySimulatorConfig.defaults().withRequestLogCapacity(100)
                .withPause(Duration.ofSeconds(30), Duration.ofSeconds(10)));
        simulator.scenario(Scenario.HOLD_OPEN);
        var control = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 16);
        control.createContext("/open", exchange -> answer(exchange, simulator.openStreams()));
        control.createContext("/requests", exchange -> answer(exchange, simulator.chatRequestCount()));
        control.start();
        ParentChannel.announce("LISTENING " + simulator.port() + " " + control.getAddress().getPort());
        while (System.in.read() != -1) {
            // wait for the parent
        }
        control.stop(0);
        simulator.close();
        System.exit(0);
    }

    private static void answer(com.sun.net.httpserver.HttpExchange exchange, long value) throws IOException {
        byte[] body = Long.toString(value).getBytes(StandardCharsets.US_ASCII);
        exchange.sendResponseHeaders(200, body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }
}
