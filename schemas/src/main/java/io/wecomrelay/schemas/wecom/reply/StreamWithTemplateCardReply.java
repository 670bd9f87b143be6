package io.wecomrelay.schemas.wecom.reply;

import java.util.Objects;

import io.wecomrelay.schemas.wecom.WecomJson;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code {"msgtype":"stream_with_template_card","stream":{...},"template_card":{...}}}: a stream frame
 * that also shows a card. The card may come with the first or a later frame, but only once per message.
 *
 * @param stream the stream part; same limits as {@link StreamReply}
 * @param card   the {@code template_card} object (copied in and out)
 */
public record StreamWithTemplateCardReply(StreamReply stream, JsonNode card) implements PassiveReply {

    public StreamWithTemplateCardReply {
        Objects.requireNonNull(stream, "stream");
        card = Limits.card(Objects.requireNonNull(card, "card"));
    }

    @Override
    public JsonNode card() {
        return card.deepCopy();
    }

    @Override
    public ObjectNode toJsonNode() {
        ObjectNode root = WecomJson.mapper().createObjectNode();
        root.put("msgtype", "stream_with_template_card");
        root.set("stream", stream.streamNode());
        root.set("template_card", card.deepCopy());
        return root;
    }
}
