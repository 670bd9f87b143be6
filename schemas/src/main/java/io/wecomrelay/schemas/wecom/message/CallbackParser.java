package io.wecomrelay.schemas.wecom.message;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import io.wecomrelay.schemas.event.ChatType;
import io.wecomrelay.schemas.wecom.WecomCryptoException;
import io.wecomrelay.schemas.wecom.WecomError;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;

/**
 * The relay's one reader of decrypted callback JSON: ingress decides with it what to accept, the worker what a
 * message says. What makes a callback well-formed:
 * <ul>
 * <li>{@code msgid}, {@code msgtype} and {@code from.userid} are present and not empty (a number is read as its
 *     digits): every callback in the protocol carries them, and {@code msgid} is the dedup key;</li>
 * <li>{@code chattype} is {@code single} or {@code group}, in any case (as {@link ChatType#fromWire} reads it
 *     everywhere else); absent (or null) it means {@code single}, since the one callback without it,
 *     {@code enter_chat}, happens only in single chats. Any other value is an error, never a guess: a bot's
 *     {@code auth.chat-types} and the reply route depend on it, and a chat type this version does not know should
 *     show up as refused callbacks rather than be answered as the wrong kind of chat;</li>
 * <li>a type this version knows carries its own payload ({@code text.content}, {@code image.url},
 *     {@code stream.id} not empty, ...); a type it does not know is kept whole as {@link UnknownCallback}.</li>
 * </ul>
 * Everything else is read leniently: unknown fields are ignored, {@code mixed} may be embedded JSON text, a bad
 * {@code create_time} is left out. A callback that breaks a rule is {@link WecomError#PARSE_JSON_ERROR}.
 */
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
            case "stream" -> new StreamRefresh(meta, Fields.requiredId(Fields.child(json, "stream"), "id", "stream.id"));
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
        String msgType = Fields.requiredId(json, "msgtype", "msgtype");
        JsonNode from = Fields.child(json, "from");
        JsonNode event = Fields.child(json, "event");
        return new CallbackMeta(
                Fields.requiredId(json, "msgid", "msgid"),
                msgType,
                "event".equals(msgType) ? Fields.optionalString(event, "eventtype") : null,
                Fields.optionalString(json, "aibotid"),
                Fields.optionalString(json, "chatid"),
                chatType(Fields.child(json, "chattype")),
                Fields.requiredId(from, "userid", "from.userid"),
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

    private static ChatType chatType(JsonNode wire) {
        if (wire.isMissingNode() || wire.isNull()) {
            return ChatType.SINGLE;
        }
        if (!wire.isString()) {
            throw unknownChatType();
        }
        try {
            return ChatType.fromWire(wire.stringValue());
        } catch (IllegalArgumentException e) {
            throw unknownChatType();
        }
    }

    // The value itself stays out of the message, like every field's.
    private static WecomCryptoException unknownChatType() {
        return new WecomCryptoException(WecomError.PARSE_JSON_ERROR, "chattype is neither single nor group");
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
