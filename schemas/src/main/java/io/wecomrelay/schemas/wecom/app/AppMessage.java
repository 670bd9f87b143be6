package io.wecomrelay.schemas.wecom.app;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Objects;
import java.util.regex.Pattern;

import io.wecomrelay.schemas.event.ChatType;
import io.wecomrelay.schemas.event.InboundMessage;
import io.wecomrelay.schemas.event.Channel;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * A decrypted self-built app callback: a message ({@code text}, {@code image}, {@code voice}, {@code video},
 * {@code location}, {@code link}, or a type this version does not know) or an event ({@code MsgType} {@code event}:
 * {@code subscribe}, {@code enter_agent}, {@code click}, {@code template_card_event}, ...). Apps receive one-to-one
 * conversations only, so every callback is a single chat with its sender.
 *
 * @param fromUserName the sender's UserID
 * @param createTime   seconds since the epoch
 * @param msgType      {@code MsgType}
 * @param msgId        {@code MsgId}, on messages; null on events
 * @param event        {@code Event}, on events; null on messages
 * @param agentId      the inner {@code AgentID}, when sent
 * @param fields       every element as received (see {@link SafeXml})
 */
public record AppMessage(String toUserName, String fromUserName, long createTime, String msgType,
                         @Nullable String msgId, @Nullable String event, @Nullable String agentId, ObjectNode fields) {

    private static final Pattern USER_ID = Pattern.compile("[^\\p{Cntrl}\\s]{1,64}");
    private static final Pattern DIGITS = Pattern.compile("[0-9]{1,19}");
    private static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,63}");

    public AppMessage {
        Objects.requireNonNull(toUserName, "toUserName");
        Objects.requireNonNull(fromUserName, "fromUserName");
        Objects.requireNonNull(msgType, "msgType");
        fields = fields.deepCopy();
    }

    /**
     * Reads the decrypted XML, e.g. the result of {@code WecomCrypto.openCallbackUtf8} with the CorpID as receive id.
     *
     * @throws AppXmlException when it is not safe XML, or lacks (or has malformed) {@code ToUserName},
     *                         {@code FromUserName}, {@code CreateTime}, {@code MsgType}, and {@code MsgId} on a
     *                         message or {@code Event} on an event
     */
    public static AppMessage parse(byte[] plaintextXml) {
        ObjectNode xml = SafeXml.read(plaintextXml);
        String msgType = required(xml, "MsgType", NAME);
        boolean event = "event".equals(msgType);
        String createTime = required(xml, "CreateTime", DIGITS);
        return new AppMessage(required(xml, "ToUserName", USER_ID), required(xml, "FromUserName", USER_ID),
                Long.parseLong(createTime), msgType, event ? null : required(xml, "MsgId", DIGITS),
                event ? required(xml, "Event", NAME) : null, AppEnvelope.stripped(AppEnvelope.text(xml, "AgentID")), xml);
    }

    public boolean isEvent() {
        return event != null;
    }

    /** An element's text (e.g. {@code Content}, {@code MediaId}, {@code EventKey}), or null. */
    public @Nullable String text(String element) {
        JsonNode value = fields.get(element);
        return value != null && value.isString() ? value.asString() : null;
    }

    /**
     * The key WeCom's retries of this callback share, scoped to the app ({@code agentId}): {@code MsgId} for a
     * message; for an event, which has none, the sender, time, event and its key and task (WeCom's advice is sender
     * plus time; an app can get distinct events from one user in one second, e.g. two menu clicks).
     */
    public String dedupKey(int agentId) {
        if (!isEvent()) {
            return agentId + ":" + fromUserName + ":" + msgId;
        }
        String detail = String.valueOf(text("EventKey")) + '\n' + text("TaskId");
        return agentId + ":" + fromUserName + ":" + createTime + ":" + event + ":" + shortHash(detail);
    }

    /**
     * This callback as the relay's event payload: the dedup key as msgid, the event name as event type, a single chat
     * with the sender, no response_url, the elements as body and {@link Channel#APP}.
     */
    public InboundMessage toInboundMessage(int agentId) {
        return new InboundMessage(dedupKey(agentId), msgType, event, ChatType.SINGLE, null, fromUserName, null, null,
                fields, Channel.APP, null);
    }

    // Message text, media ids and event keys stay out of logs that print the record.
    @Override
    public String toString() {
        return "AppMessage[toUserName=" + toUserName + ", fromUserName=" + fromUserName + ", createTime=" + createTime
                + ", msgType=" + msgType + ", msgId=" + msgId + ", event=" + event + ", agentId=" + agentId
                + ", fields=<" + fields.size() + ">]";
    }

    private static String required(ObjectNode xml, String name, Pattern shape) {
        String value = AppEnvelope.stripped(AppEnvelope.text(xml, name));
        if (value == null || value.isEmpty()) {
            throw new AppXmlException("missing <" + name + ">");
        }
        if (!shape.matcher(value).matches()) {
            throw new AppXmlException("malformed <" + name + ">");
        }
        return value;
    }

    private static String shortHash(String text) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }
}
