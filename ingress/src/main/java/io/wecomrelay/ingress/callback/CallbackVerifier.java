package io.wecomrelay.ingress.callback;

import java.time.Clock;
import java.time.Duration;
import java.util.Set;

import io.wecomrelay.ingress.bots.Bot;
import io.wecomrelay.ingress.bots.BotDirectory;
import io.wecomrelay.schemas.wecom.CallbackEnvelope;
import io.wecomrelay.schemas.wecom.WecomCryptoException;
import io.wecomrelay.schemas.wecom.message.WecomCallback;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferLimitException;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.http.MediaType;
import org.springframework.util.unit.DataSize;
import org.springframework.web.reactive.function.server.ServerRequest;
import reactor.core.publisher.Mono;

/**
 * Everything that must hold before a callback is believed: a known bot, the query parameters, a
 * fresh timestamp, an acceptable body, a valid signature, a well-formed ciphertext and, inside it, a
 * callback the relay's one parser ({@link WecomCallback#parse(byte[])}) accepts that names no other bot.
 * Anything else is a {@link CallbackRejectedException}.
 */
final class CallbackVerifier {

    /** Content types no callback comes as, JSON or XML. */
    private static final Set<String> REFUSED_TYPES = Set.of("multipart", "image", "audio", "video");
    // WeCom's content type for AI-bot callbacks is not documented; refuse only what is clearly not JSON.
    private static final Set<String> REFUSED_SUBTYPES = Set.of("x-www-form-urlencoded", "xml", "octet-stream", "html");

    private final BotDirectory bots;
    private final Clock clock;
    private final Duration timestampTolerance;
    private final DataSize maxBodySize;

    CallbackVerifier(BotDirectory bots, CallbackLimits limits, Clock clock) {
        this.bots = bots;
        this.clock = clock;
        this.timestampTolerance = limits.timestampTolerance();
        this.maxBodySize = limits.maxBodySize();
    }

    /** An AI bot; a self-built app is unknown here (its callbacks have their own path and format). */
    Bot bot(String botId) {
        return bots.find(botId).filter(bot -> !bot.config().isApp())
                .orElseThrow(() -> new CallbackRejectedException(RejectionReason.UNKNOWN_BOT, "bot is not configured"));
    }

    /** A self-built app; an AI bot is unknown on the app path. */
    Bot app(String botId) {
        return bots.find(botId).filter(bot -> bot.config().isApp())
                .orElseThrow(() -> new CallbackRejectedException(RejectionReason.UNKNOWN_BOT, "app is not configured"));
    }

    /** URL verification: the decrypted echostr. */
    String verifyEcho(Bot bot, ServerRequest request) {
        SignedQuery query = query(request);
        try {
            return bot.crypto().openCallback(query.msgSignature(), query.timestamp(), query.nonce(), query.requireEchostr());
        } catch (WecomCryptoException e) {
            throw rejected(e);
        }
    }

    Mono<VerifiedCallback> verifyPost(Bot bot, ServerRequest request) {
        checkContentType(request, REFUSED_SUBTYPES);
        SignedQuery query = query(request);
        return body(request).map(bytes -> {
            CallbackEnvelope envelope = envelope(bytes);
            return new VerifiedCallback(bot, query, parse(bot, open(bot, query, envelope.encrypt())));
        });
    }

    /** The signature parameters of the request's URL, present and fresh. */
    SignedQuery query(ServerRequest request) {
        return SignedQuery.from(request.queryParams(), clock.instant(), timestampTolerance);
    }

    /** The plaintext of {@code encrypt}, once its signature over the query's timestamp and nonce holds. */
    static byte[] open(Bot bot, SignedQuery query, String encrypt) {
        try {
            return bot.crypto().openCallbackUtf8(query.msgSignature(), query.timestamp(), query.nonce(), encrypt);
        } catch (WecomCryptoException e) {
            throw rejected(e);
        }
    }

    private static WecomCallback parse(Bot bot, byte[] plaintextUtf8) {
        WecomCallback callback;
        try {
            callback = WecomCallback.parse(plaintextUtf8);
        } catch (WecomCryptoException e) { // its message names the broken field, never a value
            throw new CallbackRejectedException(RejectionReason.MALFORMED_MESSAGE, e.getMessage());
        }
        String named = callback.meta().aibotId();
        if (named != null && !named.equals(bot.id())) {
            throw new CallbackRejectedException(RejectionReason.BOT_MISMATCH, "callback names another bot");
        }
        return callback;
    }

    private static CallbackRejectedException rejected(WecomCryptoException e) {
        return new CallbackRejectedException(RejectionReason.of(e.error()), e.error().officialName());
    }

    private static CallbackEnvelope envelope(byte[] body) {
        try {
            return CallbackEnvelope.parse(body);
        } catch (WecomCryptoException e) {
            throw new CallbackRejectedException(RejectionReason.MALFORMED_ENVELOPE, e.error().officialName());
        }
    }

    Mono<byte[]> body(ServerRequest request) {
        long declared = request.headers().contentLength().orElse(-1);
        if (declared > maxBodySize.toBytes()) {
            return Mono.error(new CallbackRejectedException(RejectionReason.BODY_TOO_LARGE, "declared length " + declared));
        }
        return DataBufferUtils.join(request.body((message, context) -> message.getBody()), (int) maxBodySize.toBytes())
                .map(CallbackVerifier::bytes)
                .onErrorMap(DataBufferLimitException.class,
                        e -> new CallbackRejectedException(RejectionReason.BODY_TOO_LARGE, "body over " + maxBodySize))
                .switchIfEmpty(Mono.error(new CallbackRejectedException(RejectionReason.MALFORMED_ENVELOPE, "empty body")));
    }

    private static byte[] bytes(DataBuffer buffer) {
        try {
            byte[] bytes = new byte[buffer.readableByteCount()];
            buffer.read(bytes);
            return bytes;
        } finally {
            DataBufferUtils.release(buffer);
        }
    }

    /** Refuses what is clearly not a callback: no content type is refused only for that. */
    static void checkContentType(ServerRequest request, Set<String> refusedSubtypes) {
        MediaType type = request.headers().contentType().orElse(null);
        if (type != null && (REFUSED_TYPES.contains(type.getType()) || refusedSubtypes.contains(type.getSubtype()))) {
            throw new CallbackRejectedException(RejectionReason.WRONG_CONTENT_TYPE, "content type " + type.getType() + "/" + type.getSubtype());
        }
    }
}
