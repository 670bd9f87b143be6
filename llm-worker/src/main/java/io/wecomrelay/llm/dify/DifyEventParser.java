package io.wecomrelay.llm.dify;

import java.util.function.BiConsumer;

import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.BooleanNode;
import tools.jackson.databind.node.NullNode;

/**
 * Reads one SSE frame into a {@link DifyEvent}, leniently: unknown fields and unknown events are
 * fine (Dify keeps adding both), and a frame that is not JSON becomes {@link DifyEvent.Other}.
 * <p>
 * The JSON is read with a streaming parser, not into a tree (a tree of every event was two thirds of
 * the worker's SSE parsing in its profile): only the fields some event needs are decoded, everything
 * else is skipped unread, and the nested parts only an event of another name needs ({@code metadata},
 * {@code data}, {@code outputs}) are skipped once the name is known (Dify sends it first). The
 * results are the tree's: a name given twice counts with its last value, a text field of another
 * type reads as Jackson prints the value, the few numbers and flags are read through a tree of just
 * that value (Jackson's lenient conversions), and a document broken anywhere, also in a skipped part,
 * or past one of the parser's bounds (nesting depth, number and name length) is unparseable.
 */
final class DifyEventParser {

    private static final JsonMapper JSON = JsonMapper.builder()
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .build();

    private DifyEventParser() {
    }

    static DifyEvent parse(SseFrame frame) {
        String data = frame.data();
        if (data == null || data.isBlank()) {
            // "event: ping" and any other data-less event only prove the stream is alive
            return new DifyEvent.Ping();
        }
        try {
            DifyEventFields fields = read(data, true);
            if (fields != null && fields.names() > 1 && fields.skippedByName()) {
                // the event was renamed after parts were skipped for its first name: read them all
                fields = read(data, false);
            }
            return fields == null ? unparseable() : fields.event();
        } catch (JacksonException e) {
            return unparseable();
        }
    }

    private static DifyEvent unparseable() {
        return new DifyEvent.Other("unparseable", DifyEvent.Ids.NONE);
    }

    /** The fields of one JSON object, or null when the document is no object or more than one value. */
    private static @Nullable DifyEventFields read(String data, boolean skipByName) {
        try (JsonParser parser = JSON.createParser(data)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                return null;
            }
            var fields = new DifyEventFields(skipByName);
            readObject(parser, (name, value) -> readTopLevel(value, name, fields));
            // Jackson 3's readTree failed on trailing tokens too (FAIL_ON_TRAILING_TOKENS is on by default)
            return parser.nextToken() == null ? fields : null;
        }
    }

    private static void readTopLevel(JsonParser parser, String name, DifyEventFields fields) {
        switch (name) {
            case "event" -> fields.name(text(parser));
            case "task_id" -> fields.taskId = text(parser);
            case "conversation_id" -> fields.conversationId = text(parser);
            case "message_id" -> fields.messageId = text(parser);
            case "answer" -> fields.answer = text(parser);
            case "url" -> fields.url = text(parser);
            case "belongs_to" -> fields.belongsTo = text(parser);
            case "type" -> fields.type = text(parser);
            case "thought" -> fields.thought = text(parser);
            case "tool" -> fields.tool = text(parser);
            case "code" -> fields.code = text(parser);
            case "message" -> fields.message = text(parser);
            case "status" -> fields.status = node(parser);
            case "metadata" -> {
                if (fields.wants(DifyEventFields.Part.METADATA)) {
                    fields.usage = usage(parser);
                } else {
                    parser.skipChildren();
                }
            }
            case "data" -> {
                if (fields.wants(DifyEventFields.Part.DATA)) {
                    readData(parser, fields);
                } else {
                    parser.skipChildren();
                }
            }
            default -> parser.skipChildren();
        }
    }

    /** {@code metadata.usage}, as a tree (once a stream); null when either is missing or not an object. */
    private static @Nullable JsonNode usage(JsonParser parser) {
        if (parser.currentToken() != JsonToken.START_OBJECT) {
            parser.skipChildren();
            return null;
        }
        var usage = new JsonNode[1];
        readObject(parser, (name, value) -> {
            if (name.equals("usage")) {
                usage[0] = node(value);
            } else {
                value.skipChildren();
            }
        });
        return usage[0];
    }

    /** A workflow event's {@code data}; a second {@code data} replaces the first, as in a tree. */
    private static void readData(JsonParser parser, DifyEventFields fields) {
        fields.clearData();
        if (parser.currentToken() != JsonToken.START_OBJECT) {
            parser.skipChildren();
            return;
        }
        readObject(parser, (name, value) -> {
            switch (name) {
                case "text" -> fields.dataText = text(value);
                case "reasoning" -> fields.dataReasoning = text(value);
                case "status" -> fields.dataStatus = text(value);
                case "error" -> fields.dataError = text(value);
                case "is_final" -> fields.dataIsFinal = node(value);
                case "total_tokens" -> fields.dataTotalTokens = node(value);
                case "outputs" -> {
                    if (fields.wants(DifyEventFields.Part.OUTPUTS)) {
                        fields.dataOutputs = node(value);
                    } else {
                        value.skipChildren();
                    }
                }
                default -> value.skipChildren();
            }
        });
    }

    /**
     * Hands each member of the object the parser is at to {@code member}, the parser on the member's
     * value; {@code member} consumes the value (reads or skips it).
     */
    private static void readObject(JsonParser parser, BiConsumer<String, JsonParser> member) {
        while (parser.nextToken() == JsonToken.PROPERTY_NAME) {
            String name = parser.currentName();
            parser.nextToken();
            member.accept(name, parser);
        }
    }

    /**
     * The current value as text, as a tree's value node gives it: a string as is, a number or a flag as
     * Jackson prints it (through a tree of the value: {@code -0} is {@code 0}, {@code 1e2} {@code 100.0}),
     * null for null, objects and arrays (skipped).
     */
    private static @Nullable String text(JsonParser parser) {
        JsonToken token = parser.currentToken();
        if (token == JsonToken.VALUE_STRING) {
            return parser.getString();
        }
        if (token == JsonToken.VALUE_NULL || token.isStructStart()) {
            parser.skipChildren();
            return null;
        }
        return node(parser).asString();
    }

    /** The current value as a tree; flags and null without building one. */
    private static JsonNode node(JsonParser parser) {
        return switch (parser.currentToken()) {
            case VALUE_TRUE -> BooleanNode.TRUE;
            case VALUE_FALSE -> BooleanNode.FALSE;
            case VALUE_NULL -> NullNode.getInstance();
            default -> parser.readValueAsTree();
        };
    }
}
