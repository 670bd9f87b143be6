package io.wecomrelay.schemas.wecom.reply;

import java.nio.charset.StandardCharsets;

import io.wecomrelay.schemas.wecom.WecomJson;
import tools.jackson.databind.node.ObjectNode;

/**
 * A passive reply. Which one is legal depends on the callback: {@link WelcomeTextReply} or
 * {@link TemplateCardReply} for enter_chat; {@link StreamReply}, {@link TemplateCardReply} or
 * {@link StreamWithTemplateCardReply} for messages and stream refreshes; {@link UpdateTemplateCardReply}
 * for template_card_event.
 */
public sealed interface PassiveReply
        permits WelcomeTextReply, StreamReply, TemplateCardReply, StreamWithTemplateCardReply, UpdateTemplateCardReply {

    /** A fresh tree of the reply JSON, safe to modify. */
    ObjectNode toJsonNode();

    /** The reply JSON, ready for {@code WecomCrypto.sealReply}. */
    default String toJson() {
        return WecomJson.write(toJsonNode());
    }

    /**
     * The reply JSON as UTF-8, exactly {@code toJson().getBytes(UTF_8)}, for
     * {@code WecomCrypto.sealReply(byte[], ...)}; replies on the hot path write it without the string.
     */
    default byte[] toJsonBytes() {
        return toJson().getBytes(StandardCharsets.UTF_8);
    }
}
