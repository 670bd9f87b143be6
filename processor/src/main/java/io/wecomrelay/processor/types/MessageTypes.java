package io.wecomrelay.processor.types;

import java.util.Map;
import java.util.Set;

import io.wecomrelay.processor.decision.Case;
import io.wecomrelay.processor.decision.Ruling;
import io.wecomrelay.schemas.event.Channel;
import io.wecomrelay.schemas.event.InboundMessage;
import io.wecomrelay.schemas.event.RejectReason;
import org.jspecify.annotations.Nullable;

/**
 * The message-type rule. Pure. Messages the worker serves pass on to the rate limit; events never
 * reach the rate limit: they are decided here.
 */
public final class MessageTypes {

    /** The rule of accepted feedback events; the worker forwards them to Dify's feedback API. */
    public static final String FEEDBACK = "accept.feedback";

    /** The rule of events that ingress answers itself (welcome, card update); no LLM reply follows. */
    public static final String ANSWERED_BY_INGRESS = "type.event";

    /** The rule of types nobody serves; the detail names the type. */
    public static final String UNSUPPORTED = "type.unsupported";

    /** WeCom {@code msgtype}s the llm-worker answers; a quote arrives inside one of them. */
    static final Set<String> SERVED = Set.of("text", "mixed", "image", "voice", "file", "video");

    /** A self-built app's types the llm-worker answers besides those: it describes them to Dify in words. */
    static final Set<String> SERVED_FOR_APPS = Set.of("location", "link");

    static final String FEEDBACK_EVENT = "feedback_event";

    private static final Map<String, String> INGRESS_EVENTS = Map.of(
            "enter_chat", "event enter_chat is answered by ingress with the welcome, not by the LLM",
            "template_card_event", "event template_card_event is answered by ingress with a card update, not by the LLM");

    private MessageTypes() {
    }

    public static Case judge(Case pending) {
        if (pending.decided()) {
            return pending;
        }
        InboundMessage message = pending.received().message();
        if (message.isEvent()) {
            return pending.decide(judgeEvent(message.eventType()));
        }
        if (SERVED.contains(message.msgType())
                || message.channel() == Channel.APP && SERVED_FOR_APPS.contains(message.msgType())) {
            return pending;
        }
        return pending.decide(Ruling.reject(RejectReason.UNSUPPORTED, UNSUPPORTED, "msgtype " + message.msgType()));
    }

    private static Ruling judgeEvent(@Nullable String eventType) {
        if (FEEDBACK_EVENT.equals(eventType)) {
            return Ruling.accept(FEEDBACK);
        }
        String ingressAnswer = eventType == null ? null : INGRESS_EVENTS.get(eventType);
        if (ingressAnswer != null) {
            return Ruling.reject(RejectReason.UNSUPPORTED, ANSWERED_BY_INGRESS, ingressAnswer);
        }
        return Ruling.reject(RejectReason.UNSUPPORTED, UNSUPPORTED, "event " + (eventType == null ? "without eventtype" : eventType));
    }
}
