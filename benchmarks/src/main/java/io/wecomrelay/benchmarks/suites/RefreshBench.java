package io.wecomrelay.benchmarks.suites;

import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.lettuce.core.LettuceFutures;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisFuture;
import io.wecomrelay.benchmarks.Bench;
import io.wecomrelay.benchmarks.Table;
import io.wecomrelay.benchmarks.infra.BenchBots;
import io.wecomrelay.benchmarks.infra.BenchStack;
import io.wecomrelay.benchmarks.load.LoadClient;
import io.wecomrelay.benchmarks.load.OpenLoad;
import io.wecomrelay.benchmarks.load.RefreshContent;
import io.wecomrelay.benchmarks.load.SignedCallbacks;
import io.wecomrelay.benchmarks.load.SignedRequest;
import io.wecomrelay.schemas.ids.StreamIds;
import io.wecomrelay.schemas.stream.StreamStateKeys;
import io.wecomrelay.schemas.wecom.ReplyEnvelope;
import io.wecomrelay.schemas.wecom.WecomJson;
import io.wecomrelay.schemas.wecom.crypto.AesCbcEngines;
import io.wecomrelay.schemas.wecom.crypto.WecomCrypto;
import io.wecomrelay.sim.wecom.WecomMessages;
import tools.jackson.databind.JsonNode;

/**
 * WeCom's refresh polls answered from Redis: 10,000 live (unfinished) streams written in the
 * {@code stream:{id}} layout, refresh callbacks spread over all of them at fixed offered rates and
 * with 64 outstanding; the same callbacks against the baseline, which answers the same content
 * without Redis.
 */
public final class RefreshBench implements Bench.Suite {

    static final int STREAMS = 10_000;
    static final int BOTS = 20;
    static final int CONTENT_BYTES = 1_000;
    static final double[] RATES = {2_000, 5_000, 15_000};
    static final int MAX_CONCURRENCY = 64;

    @Override
    public String name() {
        return "refresh";
    }

    @Override
    public Table run(Bench.Context context) throws Exception {
        try (var stack = BenchStack.start(context.root(), context.results(), name())) {
            Path botsFile = stack.work().resolve("bots.yaml");
            List<BenchBots.Bot> bots = BenchBots.write(botsFile, BOTS, "http://127.0.0.1:9/v1", "app-unused", 20);
            var ingress = stack.service("ingress", botsFile, BenchStack.SERVICE_JVM, Map.of(), List.of());
            String baselineUrl = Targets.startBaseline(stack, botsFile, CONTENT_BYTES);
            var signer = new SignedCallbacks(bots);
            String content = RefreshContent.ofBytes(CONTENT_BYTES);
            List<String> streamIds = seed(stack.redisUrl(), signer, content);
            context.log("seeded " + STREAMS + " live streams of " + CONTENT_BYTES + " bytes in Redis");
            // one refresh per stream, each by the stream's bot; the load cycles through all of them
            List<SignedRequest> pool = signer.signAll(STREAMS, i -> WecomMessages.refresh(signer.bot(i).id(),
                    "refresh-" + i + "-" + System.nanoTime(), "user" + i, null, streamIds.get(i)));
            var table = new Table("refresh: WeCom stream-refresh polls answered from Redis (" + STREAMS
                    + " live streams) vs the baseline answering the same content without Redis",
                    "load", "ingress polls/s", "p50 ms", "p99 ms", "p99.9 ms", "errors", "baseline /s", "p50 ms",
                    "p99 ms", "p99.9 ms", "ingress/baseline /s", "p99 ratio");
            try (var toIngress = new LoadClient(ingress.baseUrl(), 256); var toBaseline = new LoadClient(baselineUrl, 256)) {
                check(toIngress, pool.get(0), bots.get(0), content, "ingress");
                check(toBaseline, pool.get(0), bots.get(0), content, "baseline");
                context.log("warm-up (JIT): 64 outstanding for 15 s, then 2,000/s for 5 s, on each");
                OpenLoad.closed(i -> Targets.send(toIngress, pool, i), MAX_CONCURRENCY, Duration.ZERO, context.time(Duration.ofSeconds(15)));
                OpenLoad.closed(i -> Targets.send(toBaseline, pool, i), MAX_CONCURRENCY, Duration.ZERO, context.time(Duration.ofSeconds(15)));
                OpenLoad.open(i -> Targets.send(toIngress, pool, i), 2_000, Duration.ZERO, context.time(Duration.ofSeconds(5)));
                OpenLoad.open(i -> Targets.send(toBaseline, pool, i), 2_000, Duration.ZERO, context.time(Duration.ofSeconds(5)));
                OpenLoad.Result atTarget = null;
                for (double rate : RATES) {
                    Duration measure = context.time(Duration.ofSeconds(rate >= 10_000 ? 8 : 12));
                    context.log("offered " + (int) rate + "/s: ingress, then baseline (3 s warm-up + " + measure.toSeconds() + " s measured each)");
                    var i = OpenLoad.open(n -> Targets.send(toIngress, pool, n), rate, context.time(Duration.ofSeconds(3)), measure);
                    var b = OpenLoad.open(n -> Targets.send(toBaseline, pool, n), rate, context.time(Duration.ofSeconds(3)), measure);
                    IngressBench.row(table, "offered " + (int) rate + "/s", i, b);
                    if (rate == 15_000) {
                        atTarget = i;
                    }
                }
                context.log("max: " + MAX_CONCURRENCY + " outstanding, ingress then baseline (3 s warm-up + 10 s measured each)");
                var i = OpenLoad.closed(n -> Targets.send(toIngress, pool, n), MAX_CONCURRENCY, context.time(Duration.ofSeconds(3)),
                        context.time(Duration.ofSeconds(10)));
                var b = OpenLoad.closed(n -> Targets.send(toBaseline, pool, n), MAX_CONCURRENCY, context.time(Duration.ofSeconds(3)),
                        context.time(Duration.ofSeconds(10)));
                IngressBench.row(table, "max (" + MAX_CONCURRENCY + " outstanding)", i, b);
                table.note("targets: >= 15,000 polls/s: max " + Table.fmt(i.achievedPerSec()) + "/s "
                        + Table.metOrMissed(i.achievedPerSec() >= 15_000) + "; p99 <= 10 ms at 15,000/s offered: "
                        + (atTarget == null ? "-" : Table.fmt(atTarget.p99Ms()) + " ms, achieved "
                        + Table.fmt(atTarget.achievedPerSec()) + "/s " + Table.metOrMissed(atTarget.p99Ms() <= 10
                        && atTarget.achievedPerSec() >= 14_250)));
            }
            table.note("open model, latency from the scheduled send time. Each poll: verify + decrypt the refresh, HMGET of the shown fields of "
                    + "stream:{id}, encrypt + sign the " + CONTENT_BYTES + "-byte frame. Load generator, Redis, broker, ingress and "
                    + "baseline share the 2 cores.");
            return table;
        }
    }

    /** Writes {@link #STREAMS} unfinished streams, the i-th belonging to bot {@code i % bots}; returns their ids. */
    static List<String> seed(String redisUrl, SignedCallbacks signer, String content) {
        var ids = new ArrayList<String>(STREAMS);
        RedisClient client = RedisClient.create(redisUrl);
        try (var connection = client.connect()) {
            var async = connection.async();
            var futures = new ArrayList<RedisFuture<?>>();
            String now = Long.toString(System.currentTimeMillis());
            for (int i = 0; i < STREAMS; i++) {
                String streamId = StreamIds.of(signer.bot(i).id(), "live-" + i);
                ids.add(streamId);
                String key = StreamStateKeys.key(streamId);
                futures.add(async.hset(key, Map.of(StreamStateKeys.CREATED, now, StreamStateKeys.CONTENT, content,
                        StreamStateKeys.FINISH, "0", StreamStateKeys.ATTEMPT, "1", StreamStateKeys.SEQ, "7",
                        StreamStateKeys.UPDATED_AT, now, StreamStateKeys.OWNER, signer.bot(i).id())));
                futures.add(async.expire(key, 1800));
            }
            if (!LettuceFutures.awaitAll(Duration.ofSeconds(60), futures.toArray(RedisFuture[]::new))) {
                throw new IllegalStateException("seeding Redis timed out");
            }
        } finally {
            client.shutdown();
        }
        return ids;
    }

    /** One poll, decrypted: the answer must carry the seeded content, unfinished. */
    static void check(LoadClient client, SignedRequest request, BenchBots.Bot bot, String content, String who) {
        var answer = client.post(request).block(Duration.ofSeconds(10));
        if (answer == null || answer.status() != 200) {
            throw new IllegalStateException(who + " answered " + (answer == null ? "nothing" : answer.status()));
        }
        var crypto = new WecomCrypto(bot.token(), bot.aesKey(), "", AesCbcEngines.jca(), new SecureRandom());
        ReplyEnvelope envelope = ReplyEnvelope.parse(new String(answer.body(), java.nio.charset.StandardCharsets.UTF_8));
        JsonNode reply = WecomJson.readTree(crypto.decrypt(envelope.encrypt()));
        if (!content.equals(reply.path("stream").path("content").asString()) || reply.path("stream").path("finish").asBoolean()) {
            throw new IllegalStateException(who + " did not answer the seeded stream: " + reply);
        }
    }
}
