package io.wecomrelay.schemas.wecom.reply;

import java.util.Objects;

import io.wecomrelay.schemas.wecom.WecomJson;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code {"msgtype":"template_card","template_card":{...}}}, for enter_chat or message callbacks. The
 * card schema (card types, task_id rules, list limits) is WeCom's doc 101032 and is not modelled.
 *
 * @param card the {@code template_card} object (copied in and out)
 */
public record TemplateCardReply(JsonNode card) implements PassiveReply {

    public TemplateCardReply {
        card = Limits.card(Objects.requireNonNull(card, "card"));
    }

    @Override
    public JsonNode card() {
        return card.deepCopy();
    }

    @Override
    public ObjectNode toJsonNode() {
        ObjectNode root = WecomJson.mapper().createObjectNode();
        root.put("msgtype", "template_card");
        root.set("template_card", card.deepCopy());
        return root;
    }
}
