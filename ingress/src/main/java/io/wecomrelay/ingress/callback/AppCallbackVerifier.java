package io.wecomrelay.ingress.callback;

import java.time.Clock;
import java.time.Duration;
import java.util.Set;

import io.wecomrelay.ingress.bots.Bot;
import io.wecomrelay.schemas.bot.AppSettings;
import io.wecomrelay.schemas.event.InboundMessage;
import io.wecomrelay.schemas.wecom.WecomCryptoException;
import io.wecomrelay.schemas.wecom.app.AppEnvelope;
import io.wecomrelay.schemas.wecom.app.AppMessage;
import io.wecomrelay.schemas.wecom.app.AppXmlException;
import org.jspecify.annotations.Nullable;
import org.springframework.http.MediaType;
import org.springframework.web.reactive.function.server.ServerRequest;
import reactor.core.publisher.Mono;

/**
 * A self-built app's callback checks: those every callback meets ({@link CallbackVerifier}: known bot, query
 * parameters, fresh timestamp, bounded body), then the XML envelope read safely, the signature over its
 * {@code Encrypt}, the ciphertext's receive id (the app's CorpID), and a decrypted message naming the app's corp
 * and agent. Anything else is a {@link CallbackRejectedException}.
 */
final class AppCallbackVerifier {

    // WeCom posts text/xml; refuse only what is clearly not XML
    private static final Set<String> REFUSED_TYPES = Set.of("multipart", "image", "audio", "video");
    private static final Set<String> REFUSED_SUBTYPES = Set.of("x-www-form-urlencoded", "json", "octet-stream", "html");

    private final CallbackVerifier common;
    private final Clock clock;
    private final Duration timestampTolerance;

    AppCallbackVerifier(CallbackVerifier common, Clock clock, Duration timestampTolerance) {
        this.common = common;
        this.clock = clock;
        this.timestampTolerance = timestampTolerance;
    }

    Bot app(String botId) {
        return common.app(botId);
    }

    /** URL verification: the decrypted echostr, whose receive id must be the app's CorpID. */
    String verifyEcho(Bot app, ServerRequest request) {
        return common.verifyEcho(app, request);
    }

    /** The verified callback as the relay's inbound message. */
    Mono<InboundMessage> verifyPost(Bot app, ServerRequest request) {
        checkContentType(request);
        SignedQuery query = SignedQuery.from(request.queryParams(), clock.instant(), timestampTolerance);
        AppSettings settings = app.config().app();
        return common.body(request).map(bytes -> {
            AppEnvelope envelope = envelope(bytes);
            checkNames(settings, envelope.toUserName(), envelope.agentId());
            AppMessage message = message(open(app, query, envelope.encrypt()));
            checkNames(settings, message.toUserName(), message.agentId());
            return message.toInboundMessage(settings.agentId());
        });
    }

    /** The signature and the CorpID inside the ciphertext are checked by the crypto; these are the plain names. */
    private static void checkNames(AppSettings app, @Nullable String corpId, @Nullable String agentId) {
        if (corpId != null && !corpId.equals(app.corpId())) {
            throw new CallbackRejectedException(RejectionReason.RECEIVE_ID_MISMATCH, "callback names another corp");
        }
        if (agentId != null && !agentId.isEmpty() && !agentId.equals(String.valueOf(app.agentId()))) {
            throw new CallbackRejectedException(RejectionReason.BOT_MISMATCH, "callback names another agent");
        }
    }

    private static byte[] open(Bot app, SignedQuery query, String encrypt) {
        try {
            return app.crypto().openCallbackUtf8(query.msgSignature(), query.timestamp(), query.nonce(), encrypt);
        } catch (WecomCryptoException e) {
            throw CallbackVerifier.rejected(e);
        }
    }

    private static AppEnvelope envelope(byte[] body) {
        try {
            return AppEnvelope.parse(body);
        } catch (AppXmlException e) { // names the problem, never the document
            throw new CallbackRejectedException(RejectionReason.MALFORMED_ENVELOPE, e.getMessage());
        }
    }

    private static AppMessage message(byte[] plaintext) {
        try {
            return AppMessage.parse(plaintext);
        } catch (AppXmlException e) {
            throw new CallbackRejectedException(RejectionReason.MALFORMED_MESSAGE, e.getMessage());
        }
    }

    private static void checkContentType(ServerRequest request) {
        MediaType type = request.headers().contentType().orElse(null);
        if (type != null && (REFUSED_TYPES.contains(type.getType()) || REFUSED_SUBTYPES.contains(type.getSubtype()))) {
            throw new CallbackRejectedException(RejectionReason.WRONG_CONTENT_TYPE, "content type " + type.getType() + "/" + type.getSubtype());
        }
    }
}
