package io.wecomrelay.ingress.callback;

import java.util.Optional;

import io.wecomrelay.schemas.event.InboundMessage;
import io.wecomrelay.schemas.outbound.OutboundPolicy;
import io.wecomrelay.schemas.outbound.OutboundVerdict;
import io.wecomrelay.schemas.outbound.Refusal;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies the {@link OutboundPolicy} to an inbound message: an allowed response_url stays, a refused one is
 * taken off the event (its reason goes on instead) so no later stage can post to it. The message is accepted
 * either way. Every verdict is counted; a refusal is logged with the URL's host only, never its query string,
 * which holds WeCom's one-shot response code.
 */
final class ResponseUrlScreen {

    private static final Logger log = LoggerFactory.getLogger(ResponseUrlScreen.class);

    private final OutboundPolicy policy;
    private final CallbackMetrics metrics;

    ResponseUrlScreen(OutboundPolicy policy, CallbackMetrics metrics) {
        this.policy = policy;
        this.metrics = metrics;
    }

    InboundMessage screen(String botId, InboundMessage message) {
        String url = message.responseUrl();
        if (url == null) {
            return message;
        }
        // nothing is requested here: the verdict without a parsed URI (WeCom's own URLs are judged unparsed)
        Optional<Refusal> refusal = policy.refusal(url);
        if (refusal.isEmpty()) {
            metrics.responseUrl(botId, OutboundVerdict.ALLOWED);
            return message;
        }
        String code = refusal.get().code();
        metrics.responseUrl(botId, code);
        log.warn("response_url refused; the message is accepted without it bot={} msgId={} host={} reason={}",
                botId, message.msgId(), LoggedHost.of(url), code);
        return message.withResponseUrlRefused(code);
    }

    /** The host part of a URL as it may appear in a log line: no user info, path or query, only harmless characters. */
    static final class LoggedHost {

        private static final int MAX = 80;

        private LoggedHost() {
        }

        static String of(String url) {
            int start = url.indexOf("://");
            String rest = start < 0 ? url : url.substring(start + 3);
            int end = 0;
            while (end < rest.length() && "/?#\\".indexOf(rest.charAt(end)) < 0) {
                end++;
            }
            String authority = rest.substring(0, end);
            String host = authority.substring(authority.lastIndexOf('@') + 1); // user info may hold a password
            var shown = new StringBuilder();
            for (int i = 0; i < host.length() && shown.length() < MAX; i++) {
                char c = host.charAt(i);
                shown.append(c < 0x7f && (Character.isLetterOrDigit(c) || ".-:[]".indexOf(c) >= 0) ? c : '?');
            }
            return shown.isEmpty() ? "(none)" : shown.toString();
        }
    }
}
