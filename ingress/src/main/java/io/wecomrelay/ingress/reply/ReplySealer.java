package io.wecomrelay.ingress.reply;

import java.time.Clock;

import io.wecomrelay.ingress.bots.Bot;
import io.wecomrelay.schemas.wecom.reply.PassiveReply;
import org.springframework.http.MediaType;
import org.springframework.web.reactive.function.server.ServerResponse;
import reactor.core.publisher.Mono;

/** Encrypts and signs a passive reply into WeCom's JSON envelope, reusing the callback's nonce. */
public final class ReplySealer {

    private final Clock clock;

    public ReplySealer(Clock clock) {
        this.clock = clock;
    }

    public Mono<ServerResponse> sealed(Bot bot, PassiveReply reply, String nonce) {
        String timestamp = Long.toString(clock.instant().getEpochSecond());
        String envelope = bot.crypto().sealReply(reply.toJsonBytes(), timestamp, nonce).toJson();
        return ServerResponse.ok().contentType(MediaType.APPLICATION_JSON).bodyValue(envelope);
    }

    /** WeCom accepts an empty answer as "no message". */
    public static Mono<ServerResponse> empty() {
        return ServerResponse.ok().build();
    }
}
