package io.wecomrelay.testkit;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import io.wecomrelay.testkit.internal.LoopbackPorts;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.embedded.RedisServer;
import redis.embedded.core.RedisServerBuilder;

/**
 * A Redis to talk to: the one {@code REDIS_URL} names when it answers PING, otherwise a real
 * redis-server (6.2, from the embedded-redis jar) started on a free loopback port.
 */
public final class LocalRedis implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(LocalRedis.class);
    private static final long GONE_TIMEOUT_MS = 10_000;

    private final String url;
    private final @Nullable RedisServer embedded;

    private LocalRedis(String url, @Nullable RedisServer embedded) {
        this.url = url;
        this.embedded = embedded;
    }

    /** Uses {@code redisUrl} when it is set and answers, otherwise starts an embedded server. */
    public static LocalRedis start(@Nullable String redisUrl) {
        if (redisUrl != null && !redisUrl.isBlank()) {
            if (answersPing(URI.create(redisUrl))) {
                log.info("using Redis at REDIS_URL");
                return new LocalRedis(redisUrl, null);
            }
            log.warn("REDIS_URL does not answer; starting an embedded redis-server instead");
        }
        return startEmbedded();
    }

    /** An embedded redis-server that keeps nothing: after {@link #kill()} it {@linkplain #startAgain() starts} empty. */
    public static LocalRedis startEmbedded() {
        return startEmbedded(List.of("save \"\"", "appendonly no"));
    }

    /**
     * An embedded redis-server with an append-only file in {@code dir}, as production runs Redis: after
     * {@link #kill()} it {@linkplain #startAgain() starts} with every write it acknowledged. Each write reaches the
     * file before its reply ({@code appendfsync always}), so a kill loses nothing whatever the machine's load.
     */
    public static LocalRedis startEmbeddedWithAof(Path dir) {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + dir, e);
        }
        return startEmbedded(List.of("save \"\"", "dir \"" + dir.toAbsolutePath() + "\"", "appendonly yes",
                "appendfsync always"));
    }

    private static LocalRedis startEmbedded(List<String> settings) {
        int port = LoopbackPorts.free();
        try {
            RedisServerBuilder builder = RedisServer.newRedisServer().bind("127.0.0.1").port(port).onShutdownForceStop(true);
            settings.forEach(builder::setting);
            RedisServer server = builder.build();
            server.start();
            log.info("started embedded redis-server on 127.0.0.1:{}", port);
            return new LocalRedis("redis://127.0.0.1:" + port, server);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start embedded redis-server", e);
        }
    }

    /** A URL such as {@code redis://127.0.0.1:6379}. */
    public String url() {
        return url;
    }

    public boolean isEmbedded() {
        return embedded != null;
    }

    /**
     * Kills the embedded redis-server (a SIGKILL: nothing is saved), keeping its port for {@link #startAgain()}:
     * for tests of a Redis outage. Only for a server from {@link #startEmbedded()}. Returns once the port refuses
     * connections (at most {@value #GONE_TIMEOUT_MS} ms): the library does not wait for the killed process, and a
     * server started again while it still holds the port would fail.
     */
    public void kill() {
        onEmbedded(RedisServer::stop, "killed");
        URI uri = URI.create(url);
        long deadline = System.nanoTime() + GONE_TIMEOUT_MS * 1_000_000L;
        while (accepts(uri) && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }
    }

    /**
     * Starts the embedded redis-server again on the same port after {@link #kill()}: empty, or with its append-only
     * file's data when it was {@linkplain #startEmbeddedWithAof started with one}.
     */
    public void startAgain() {
        onEmbedded(RedisServer::start, "started again");
    }

    private interface ServerAction {
        void run(RedisServer server) throws IOException;
    }

    private void onEmbedded(ServerAction action, String done) {
        if (embedded == null) {
            throw new IllegalStateException("only an embedded redis-server can be killed and started again");
        }
        try {
            action.run(embedded);
        } catch (IOException e) {
            throw new UncheckedIOException("embedded redis-server not " + done, e);
        }
        log.info("embedded redis-server {} at {}", done, url);
    }

    @Override
    public void close() {
        if (embedded != null) {
            try {
                embedded.stop();
            } catch (IOException e) {
                log.warn("embedded redis-server did not stop cleanly: {}", e.toString());
            }
        }
    }

    private static boolean accepts(URI uri) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(uri.getHost(), uri.getPort()), 200);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    static boolean answersPing(URI uri) {
        int port = uri.getPort() > 0 ? uri.getPort() : 6379;
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(uri.getHost(), port), 500);
            socket.setSoTimeout(1000);
            OutputStream out = socket.getOutputStream();
            out.write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            byte[] buffer = new byte[16];
            int read = in.read(buffer);
            return read > 0 && new String(buffer, 0, read, StandardCharsets.US_ASCII).startsWith("+PONG");
        } catch (IOException e) {
            return false;
        }
    }
}
