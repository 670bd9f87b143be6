package io.wecomrelay.schemas.wecom.reply;

import java.util.List;
import java.util.Objects;

import io.wecomrelay.schemas.wecom.WecomJson;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code {"response_type":"update_template_card","userids"?:[...],"template_card":{...}}}: replaces the
 * card after a template_card_event (note {@code response_type}, not {@code msgtype}). The card's
 * {@code task_id} should equal the event's.
 *
 * @param userIds whose card to replace; empty means everyone in the conversation (field omitted)
 * @param card    the new {@code template_card} object (copied in and out)
 */
public record UpdateTemplateCardReply(List<String> userIds, JsonNode card) implements PassiveReply {

    public UpdateTemplateCardReply {
        userIds = List.copyOf(userIds);
        card = Limits.card(Objects.requireNonNull(card, "card"));
    }

    /** Replaces the card for everyone who sees the message. */
    public static UpdateTemplateCardReply forEveryone(JsonNode card) {
        return new UpdateTemplateCardReply(List.of(), card);
    }

    /**
     * The answer to a {@code template_card_event} callback (ingress's passive reply and the connector's
     * {@code aibot_respond_update_msg} alike): {@code card} for everyone, with the event's {@code task_id}, to which
     * WeCom binds the update, when the callback carries one.
     *
     * @param callback the decrypted callback JSON (or a long-connection frame's body)
     */
    public static UpdateTemplateCardReply forClickedCard(JsonNode card, JsonNode callback) {
        ObjectNode copy = (ObjectNode) card.deepCopy();
        String taskId = callback.path("event").path("template_card_event").path("task_id").asString("");
        if (!taskId.isEmpty()) {
            copy.put("task_id", taskId);
        }
        return forEveryone(copy);
    }

    /** Replaces the card only for these users. */
    public static UpdateTemplateCardReply forUsers(List<String> userIds, JsonNode card) {
        if (userIds.isEmpty()) {
            throw new IllegalArgumentException("userIds is empty; use forEveryone");
        }
        return new UpdateTemplateCardReply(userIds, card);
    }

    @Override
    public JsonNode card() {
        return card.deepCopy();
    }

    @Override
    public ObjectNode toJsonNode() {
        ObjectNode root = WecomJson.mapper().createObjectNode();
        root.put("response_type", "update_template_card");
        if (!userIds.isEmpty()) {
            ArrayNode ids = root.putArray("userids");
            userIds.forEach(ids::add);
        }
        root.set("template_card", card.deepCopy());
        return root;
    }
}
