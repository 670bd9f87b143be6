package io.wecomrelay.ingress.callback;

import java.util.Set;

import io.wecomrelay.ingress.bots.Bot;
import io.wecomrelay.schemas.bot.AppSettings;
import io.wecomrelay.schemas.event.InboundMessage;
import io.wecomrelay.schemas.wecom.app.AppEnvelope;
import io.wecomrelay.schemas.wecom.app.AppMessage;
import io.wecomrelay.schemas.wecom.app.AppXmlException;
import org.jspecify.annotations.Nullable;
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
    private static final Set<String> REFUSED_SUBTYPES = Set.of("x-www-form-urlencoded", "json", "octet-stream", "html");

    private final CallbackVerifier common;

    AppCallbackVerifier(CallbackVerifier common) {
        this.common = common;
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
        CallbackVerifier.checkContentType(request, REFUSED_SUBTYPES);
        SignedQuery query = common.query(request);
        AppSettings settings = app.config().app();
        return common.body(request).map(bytes -> {
            AppEnvelope envelope = envelope(bytes);
            checkNames(settings, envelope.toUserName(), envelope.agentId());
            AppMessage message = message(CallbackVerifier.open(app, query, envelope.encrypt()));
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
}
