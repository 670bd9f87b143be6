package io.wecomrelay.schemas.wecom.message;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import io.wecomrelay.schemas.event.ChatType;
import io.wecomrelay.schemas.wecom.WecomCryptoException;
import io.wecomrelay.schemas.wecom.WecomError;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;

/** Turns decrypted callback JSON into {@link WecomCallback}s; see the package documentation for the rules. */
final class CallbackParser {

    private CallbackParser() {
    }

    /** Parses a tree that nobody else holds: the callback keeps it as its raw JSON without a copy. */
    static WecomCallback parseOwned(JsonNode json) {
        if (!json.isObject()) {
            throw new WecomCryptoException(WecomError.PARSE_JSON_ERROR, "callback must be a JSON object");
        }
        CallbackMeta meta = meta(json);
        return switch (meta.msgType()) {
            case "text" -> new TextMessage(meta, payloadString(json, "text", "content"));
            case "voice" -> new VoiceMessage(meta, payloadString(json, "voice", "content"));
            case "image" -> new ImageMessage(meta, payloadString(json, "image", "url"), aesKey(json, "image"));
            case "file" -> new FileMessage(meta, payloadString(json, "file", "url"), aesKey(json, "file"));
            case "video" -> new VideoMessage(meta, payloadString(json, "video", "url"), aesKey(json, "video"));
            case "mixed" -> new MixedMessage(meta, mixedItems(mixed(json)));
            case "stream" -> new StreamRefresh(meta, payloadString(json, "stream", "id"));
            case "event" -> event(meta, Fields.child(json, "event"));
            default -> new UnknownCallback(meta);
        };
    }

    /** Reads {@code msg_item} of a {@code mixed} object; the array may also be JSON text. */
    static List<MixedItem> mixedItems(JsonNode mixed) {
        List<MixedItem> items = new ArrayList<>();
        for (JsonNode item : Fields.array(mixed, "msg_item")) {
            items.add(mixedItem(item));
        }
        return items;
    }

    // Reported (unconfirmed) to arrive as JSON text instead of an object at times; accept both.
    private static JsonNode mixed(JsonNode json) {
        JsonNode mixed = Fields.objectOrEmbedded(json, "mixed");
        if (!mixed.isObject()) {
            throw Fields.missing("mixed");
        }
        return mixed;
    }

    private static CallbackMeta meta(JsonNode json) {
        String msgType = Fields.requiredString(json, "msgtype", "msgtype");
        JsonNode from = Fields.child(json, "from");
        JsonNode event = Fields.child(json, "event");
        return new CallbackMeta(
                Fields.requiredString(json, "msgid", "msgid"),
                msgType,
                "event".equals(msgType) ? Fields.optionalString(event, "eventtype") : null,
                Fields.optionalString(json, "aibotid"),
                Fields.optionalString(json, "chatid"),
                chatType(Fields.optionalString(json, "chattype")),
                Fields.requiredString(from, "userid", "from.userid"),
                Fields.optionalString(from, "corpid"),
                Fields.optionalString(json, "response_url"),
                createTime(json),
                quote(json),
                json,
                true);
    }

    private static WecomCallback event(CallbackMeta meta, JsonNode event) {
        String eventType = meta.eventType();
        if (eventType == null) {
            return new UnknownCallback(meta);
        }
        JsonNode body = Fields.child(event, eventType);
        return switch (eventType) {
            case "enter_chat" -> new EnterChatEvent(meta);
            case "template_card_event" -> templateCardEvent(meta, body.isObject() ? body : event);
            case "feedback_event" -> feedbackEvent(meta, body);
            default -> new UnknownCallback(meta);
        };
    }

    private static TemplateCardEvent templateCardEvent(CallbackMeta meta, JsonNode card) {
        List<TemplateCardEvent.SelectedItem> selected = new ArrayList<>();
        for (JsonNode item : Fields.array(Fields.child(card, "selected_items"), "selected_item")) {
            String questionKey = Fields.optionalString(item, "question_key");
            if (questionKey != null) {
                selected.add(new TemplateCardEvent.SelectedItem(questionKey,
                        Fields.strings(Fields.child(item, "option_ids"), "option_id")));
            }
        }
        return new TemplateCardEvent(meta, Fields.optionalString(card, "card_type"),
                Fields.optionalString(card, "event_key"), Fields.optionalString(card, "task_id"), selected);
    }

    private static FeedbackEvent feedbackEvent(CallbackMeta meta, JsonNode feedback) {
        List<Integer> reasons = new ArrayList<>();
        for (JsonNode reason : Fields.array(feedback, "inaccurate_reason_list")) {
            if (reason.canConvertToInt()) {
                reasons.add(reason.asInt());
            }
        }
        JsonNode type = Fields.child(feedback, "type");
        return new FeedbackEvent(meta, Fields.requiredString(feedback, "id", "event.feedback_event.id"),
                type.canConvertToInt() ? type.asInt() : 0, Fields.optionalString(feedback, "content"), reasons);
    }

    private static MixedItem mixedItem(JsonNode item) {
        String type = Fields.optionalString(item, "msgtype");
        if ("text".equals(type)) {
            return new MixedItem.Text(payloadString(item, "text", "content"));
        }
        if ("image".equals(type)) {
            return new MixedItem.Image(payloadString(item, "image", "url"), aesKey(item, "image"));
        }
        return new MixedItem.Other(type == null ? "" : type, item);
    }

    private static @Nullable Quote quote(JsonNode json) {
        JsonNode quote = json.get("quote");
        if (quote == null || !quote.isObject()) {
            return null;
        }
        String type = Fields.optionalString(quote, "msgtype");
        return type == null ? null : new Quote(type, Fields.child(quote, type));
    }

    private static String payloadString(JsonNode json, String type, String field) {
        return Fields.requiredString(Fields.child(json, type), field, type + "." + field);
    }

    private static @Nullable String aesKey(JsonNode json, String type) {
        return Fields.optionalString(Fields.child(json, type), "aeskey");
    }

    // An unknown chat type is not worth rejecting a callback for: it stays visible in raw().
    private static @Nullable ChatType chatType(@Nullable String wire) {
        if (wire == null) {
            return null;
        }
        return switch (wire.toLowerCase(Locale.ROOT)) {
            case "single" -> ChatType.SINGLE;
            case "group" -> ChatType.GROUP;
            default -> null;
        };
    }

    private static @Nullable Instant createTime(JsonNode json) {
        JsonNode value = Fields.child(json, "create_time");
        String digits = value.isIntegralNumber() || value.isString() ? value.asString() : "";
        // Anything but a plausible count of seconds is ignored rather than failing the callback.
        if (digits.isEmpty() || digits.length() > 12 || !digits.chars().allMatch(c -> c >= '0' && c <= '9')) {
            return null;
        }
        return Instant.ofEpochSecond(Long.parseLong(digits));
    }
}
