package io.wecomrelay.ingress.callback;

import io.wecomrelay.schemas.event.ChatType;
import io.wecomrelay.schemas.event.InboundMessage;
import io.wecomrelay.schemas.wecom.WecomJson;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Lifts the routing fields out of a decrypted callback. Only what every callback must have is
 * required; everything else stays in the body, so types this version does not know are still
 * published for audit.
 */
final class CallbackParser {

    private CallbackParser() {
    }

    static ParsedCallback parse(String botId, byte[] plaintextUtf8) {
        ObjectNode json;
        try {
            json = WecomJson.readObject(plaintextUtf8);
        } catch (RuntimeException e) { // WecomCryptoException(ParseJsonError) or a JacksonException
            throw new CallbackRejected(RejectionReason.MALFORMED_MESSAGE, "decrypted callback is not a JSON object");
        }
        String aibotid = text(json, "aibotid");
        if (aibotid != null && !aibotid.equals(botId)) {
            throw new CallbackRejected(RejectionReason.BOT_MISMATCH, "callback names another bot");
        }
        String msgType = required(json, "msgtype");
        if (msgType.equals("stream")) {
            return new ParsedCallback.Refresh(requiredAt(json.path("stream"), "id", "stream.id"));
        }
        return new ParsedCallback.Inbound(new InboundMessage(required(json, "msgid"), msgType,
                text(json.path("event"), "eventtype"), chatType(json), text(json, "chatid"),
                requiredAt(json.path("from"), "userid", "from.userid"), text(json, "response_url"), json));
    }

    private static ChatType chatType(JsonNode json) {
        String value = text(json, "chattype");
        if (value == null) {
            return ChatType.SINGLE; // enter_chat carries no chattype; it only happens in single chats
        }
        return switch (value) {
            case "single" -> ChatType.SINGLE;
            case "group" -> ChatType.GROUP;
            default -> throw new CallbackRejected(RejectionReason.MALFORMED_MESSAGE, "unknown chattype");
        };
    }

    private static String required(JsonNode json, String field) {
        return requiredAt(json, field, field);
    }

    private static String requiredAt(JsonNode json, String field, String path) {
        String value = text(json, field);
        if (value == null || value.isEmpty()) {
            throw new CallbackRejected(RejectionReason.MALFORMED_MESSAGE, path + " is missing");
        }
        return value;
    }

    private static @Nullable String text(JsonNode json, String field) {
        JsonNode value = json.get(field);
        return value != null && value.isString() ? value.asString() : null;
    }
}
