package io.wecomrelay.benchmarks.load;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

import io.netty.channel.ChannelOption;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.wecomrelay.benchmarks.infra.ParentChannel;
import io.wecomrelay.schemas.bot.BotConfig;
import io.wecomrelay.schemas.bot.BotRegistryLoader;
import io.wecomrelay.schemas.ids.StreamIds;
import io.wecomrelay.schemas.wecom.CallbackEnvelope;
import io.wecomrelay.schemas.wecom.crypto.AesCbcEngines;
import io.wecomrelay.schemas.wecom.crypto.WecomCrypto;
import io.wecomrelay.schemas.wecom.message.StreamRefresh;
import io.wecomrelay.schemas.wecom.message.WecomCallback;
import io.wecomrelay.schemas.wecom.reply.StreamReply;
import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;
import reactor.netty.http.server.HttpServerRequest;
import reactor.netty.http.server.HttpServerResponse;

/**
 * The framework floor of the ingress benchmark (whose baseline proper is ingress itself with
 * {@code relay.ingress.publisher=none}) and the baseline of the refresh benchmark:
 * {@code POST /wecom/callback/{botId}} doing
 * ingress's per-callback work with the same codec - look up the bot, check the timestamp, verify the
 * signature, decrypt, parse, derive the stream id, build the first stream frame (or, for a refresh, a
 * frame with a fixed content of the size the refresh benchmark stores in Redis), encrypt, sign - on
 * a bare Reactor Netty server, without publishing to Kafka, writing the Redis marker, reading Redis,
 * logging, metrics or Spring. The ratio ingress/floor is what durability and the framework cost together.
 * <p>
 * {@code java ... BaselineServer --bots FILE [--refresh-content-bytes N]}; prints {@code LISTENING port}.
 */
public final class BaselineServer {

    private static final Duration TOLERANCE = Duration.ofMinutes(5);

    private final Map<String, Bot> bots = new HashMap<>();
    private final String refreshContent;
    private final Clock clock = Clock.systemUTC();

    private record Bot(BotConfig config, WecomCrypto crypto) {
    }

    private BaselineServer(Path botsFile, int refreshContentBytes) {
        var random = new SecureRandom();
        for (BotConfig config : new BotRegistryLoader(System::getenv).load(botsFile).all()) {
            bots.put(config.id(), new Bot(config, new WecomCrypto(config.token().reveal(), config.aesKey().reveal(), "",
                    AesCbcEngines.defaultEngine(), random)));
        }
        refreshContent = RefreshContent.ofBytes(refreshContentBytes);
    }

    public static void main(String[] args) {
        Path botsFile = null;
        int refreshBytes = 1000;
        for (int i = 0; i < args.length; i += 2) {
            switch (args[i]) {
                case "--bots" -> botsFile = Path.of(args[i + 1]);
                case "--refresh-content-bytes" -> refreshBytes = Integer.parseInt(args[i + 1]);
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        if (botsFile == null) {
            throw new IllegalArgumentException("--bots FILE is required");
        }
        var server = new BaselineServer(botsFile, refreshBytes);
        DisposableServer http = HttpServer.create().host("127.0.0.1").port(0)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .route(routes -> routes.post("/wecom/callback/{botId}", server::handle))
                .bindNow(Duration.ofSeconds(10));
        ParentChannel.announce("LISTENING " + http.port());
        http.onDispose().block();
    }

    private Mono<Void> handle(HttpServerRequest request, HttpServerResponse response) {
        return request.receive().aggregate().asByteArray().defaultIfEmpty(new byte[0]).flatMap(body -> {
            String answer;
            try {
                answer = answer(request, body);
            } catch (RuntimeException e) {
                return response.status(HttpResponseStatus.BAD_REQUEST).send();
            }
            return response.header(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_JSON)
                    .sendString(Mono.just(answer), StandardCharsets.UTF_8).then();
        });
    }

    private String answer(HttpServerRequest request, byte[] body) {
        Bot bot = bots.get(request.param("botId"));
        if (bot == null) {
            throw new IllegalArgumentException("unknown bot");
        }
        var query = new QueryStringDecoder(request.uri()).parameters();
        String signature = query.get("msg_signature").get(0);
        String timestamp = query.get("timestamp").get(0);
        String nonce = query.get("nonce").get(0);
        Instant sent = Instant.ofEpochSecond(Long.parseLong(timestamp));
        if (Duration.between(sent, clock.instant()).abs().compareTo(TOLERANCE) > 0) {
            throw new IllegalArgumentException("stale timestamp");
        }
        String plaintext = bot.crypto().openCallback(signature, timestamp, nonce, CallbackEnvelope.parse(body).encrypt());
        WecomCallback callback = WecomCallback.parse(plaintext); // ingress's parser, so the floor parses as ingress does
        StreamReply reply;
        if (callback instanceof StreamRefresh refresh) {
            reply = StreamReply.partial(refresh.streamId(), refreshContent);
        } else {
            String streamId = StreamIds.of(bot.config().id(), callback.msgId());
            reply = StreamReply.partial(streamId, bot.config().placeholder()).withFeedbackId(streamId);
        }
        return bot.crypto().sealReply(reply.toJson(), Long.toString(clock.instant().getEpochSecond()), nonce).toJson();
    }
}
