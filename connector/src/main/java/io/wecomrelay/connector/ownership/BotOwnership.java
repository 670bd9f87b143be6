package io.wecomrelay.connector.ownership;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import io.wecomrelay.connector.reply.BotStreams;
import io.wecomrelay.connector.socket.BotSocket;
import io.wecomrelay.connector.socket.ConnectionState;
import io.wecomrelay.schemas.bot.BotConfig;
import io.wecomrelay.schemas.bot.BotSource;
import io.wecomrelay.schemas.topic.BotPartitions;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.scheduler.Schedulers;

/**
 * The bots whose sockets this instance holds. A long-connection bot is owned here exactly while this instance's
 * consumer holds the bot's partition of {@code wecom.outbound} ({@link BotPartitions}). Revocation closes the
 * bot's socket before it returns, so the consumer gives the partition up (and another instance subscribes) only
 * after this socket is closed: WeCom never sees two connections of one bot from us, and nothing kicks back.
 */
public final class BotOwnership {

    private static final Logger log = LoggerFactory.getLogger(BotOwnership.class);

    private final BotSource bots;
    private final SessionParts parts;
    // read without the lock by the ticks and the notices: they never wait for a revocation that closes sockets
    private final Map<String, BotSession> sessions = new ConcurrentHashMap<>();
    private final Set<Integer> partitions = new HashSet<>();
    private int partitionCount;
    private Disposable ticks = reactor.core.Disposables.disposed();

    public BotOwnership(BotSource bots, SessionParts parts) {
        this.bots = bots;
        this.parts = parts;
    }

    /** The consumer was assigned {@code assigned} of {@code count} partitions: open the sockets of their bots. */
    public synchronized void assigned(Collection<Integer> assigned, int count) {
        partitions.addAll(assigned);
        partitionCount = count;
        log.info("outbound partitions assigned {} of {}; now {}", assigned, count, partitions);
        reconcile();
    }

    /** The consumer loses {@code revoked}: their bots' sockets are closed before this returns. */
    public synchronized void revoked(Collection<Integer> revoked) {
        partitions.removeAll(revoked);
        log.info("outbound partitions revoked {}; now {}", revoked, partitions);
        reconcile();
    }

    /** The bots file changed: bots added, removed, switched channel or given a new secret. */
    public synchronized void refresh() {
        reconcile();
    }

    /** The responder changed a stream of {@code botId}; ignored when the bot is not (or no longer) owned here. */
    public void changed(String botId, String streamId, @Nullable String traceparent, @Nullable String traceId) {
        BotSession session = sessions.get(botId);
        if (session != null) {
            session.streams().changed(streamId, traceparent, traceId);
        }
    }

    public synchronized Map<String, ConnectionState> states() {
        var states = new HashMap<String, ConnectionState>();
        sessions.forEach((id, session) -> states.put(id, session.socket().state()));
        return states;
    }

    /** Starts the periodic look at every open stream (keep-alive, deadline, lost notices). */
    public synchronized void startTicks(Duration every) {
        ticks = Flux.interval(every, every, Schedulers.parallel()).subscribe(tick -> tick());
    }

    /** Closes every socket (shutdown). */
    public void stopAll() {
        List<BotSession> closing;
        synchronized (this) {
            ticks.dispose();
            partitions.clear();
            closing = new ArrayList<>(sessions.values());
            sessions.clear();
        }
        release(closing);
    }

    private void tick() {
        sessions.values().forEach(session -> session.streams().tick());
    }

    private void reconcile() {
        Map<String, BotConfig> wanted = new HashMap<>();
        if (partitionCount > 0) {
            for (BotConfig bot : bots.current().all()) {
                if (bot.longConnection() && partitions.contains(BotPartitions.of(bot.id(), partitionCount))) {
                    wanted.put(bot.id(), bot);
                }
            }
        }
        List<BotSession> closing = new ArrayList<>();
        sessions.entrySet().removeIf(entry -> {
            BotConfig now = wanted.get(entry.getKey());
            boolean gone = now == null || !now.secret().equals(entry.getValue().bot().secret());
            if (gone) {
                closing.add(entry.getValue());
            } else {
                entry.getValue().update(now);
            }
            return gone;
        });
        release(closing);
        closing.forEach(session -> log.info("released bot={}", session.bot().id()));
        wanted.forEach((id, bot) -> sessions.computeIfAbsent(id, botId -> open(bot)));
    }

    /**
     * Hands these bots on, all at once (a revocation of hundreds of bots must not take one round trip per bot), and
     * returns when their sockets are closed and what they read is published: only then may another instance subscribe.
     */
    private void release(List<BotSession> closing) {
        Duration patience = parts.socket().ackTimeout();
        Flux.fromIterable(closing).flatMap(session -> session.release(patience), Math.max(1, closing.size())).blockLast();
    }

    private BotSession open(BotConfig bot) {
        var session = new BotSession(bot, parts.inbound());
        var socket = new BotSocket(bot.id(), bot.secret(), parts.http(), parts.socket(), session, parts.metrics(), parts.clock());
        session.attach(socket, new BotStreams(bot.id(), bot.placeholder(), socket, parts.open(), parts.snapshots(),
                parts.replies(), parts.afterFinish(), parts.clock(), parts.traces()));
        log.info("owning bot={}: subscribing", bot.id());
        socket.start();
        return session;
    }
}
