package io.wecomrelay.schemas.wecom.reply;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Objects;

import io.wecomrelay.schemas.wecom.WecomJson;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.JsonGenerator;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code {"msgtype":"stream","stream":{"id","finish","content","msg_item"?,"feedback"?}}}.
 *
 * <p>{@code content} is a snapshot, not a delta: each frame replaces the bubble, so the final frame
 * carries the whole text. Build with {@link #partial} / {@link #finished}.
 *
 * @param id         our stream id; WeCom's refresh callbacks ask for it
 * @param finish     true ends the stream; no refreshes follow
 * @param content    Markdown, at most {@link #MAX_CONTENT_BYTES} UTF-8 bytes; may be empty
 * @param images     only on the finished frame, at most {@link #MAX_IMAGES}
 * @param feedbackId enables feedback_event for this reply; at most {@link #MAX_FEEDBACK_ID_BYTES} bytes
 * @throws IllegalArgumentException if a limit is exceeded
 */
public record StreamReply(String id, boolean finish, String content, List<StreamImage> images,
                          @Nullable String feedbackId) implements PassiveReply {

    /** WeCom's limit for {@code stream.content}, in UTF-8 bytes. */
    public static final int MAX_CONTENT_BYTES = 20_480;
    /** WeCom's limit for {@code stream.msg_item}. */
    public static final int MAX_IMAGES = 10;
    /** WeCom's limit for {@code feedback.id}, in UTF-8 bytes. */
    public static final int MAX_FEEDBACK_ID_BYTES = 256;

    public StreamReply {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(content, "content");
        images = List.copyOf(images);
        if (id.isEmpty()) {
            throw new IllegalArgumentException("stream.id is empty");
        }
        Limits.maxBytes(content, MAX_CONTENT_BYTES, "stream.content");
        if (!images.isEmpty() && !finish) {
            throw new IllegalArgumentException("stream.msg_item is only allowed when finish is true");
        }
        if (images.size() > MAX_IMAGES) {
            throw new IllegalArgumentException("stream.msg_item has " + images.size() + " images; at most " + MAX_IMAGES);
        }
        if (feedbackId != null) {
            Limits.maxBytes(feedbackId, MAX_FEEDBACK_ID_BYTES, "stream.feedback.id");
        }
    }

    /** A frame with {@code finish: false}; WeCom will refresh. */
    public static StreamReply partial(String id, String content) {
        return new StreamReply(id, false, content, List.of(), null);
    }

    /** The last frame, {@code finish: true}. */
    public static StreamReply finished(String id, String content) {
        return new StreamReply(id, true, content, List.of(), null);
    }

    /** A copy with these images (the frame must be finished). */
    public StreamReply withImages(List<StreamImage> newImages) {
        return new StreamReply(id, finish, content, newImages, feedbackId);
    }

    /** A copy with {@code feedback.id}. */
    public StreamReply withFeedbackId(String newFeedbackId) {
        return new StreamReply(id, finish, content, images, Objects.requireNonNull(newFeedbackId, "newFeedbackId"));
    }

    @Override
    public ObjectNode toJsonNode() {
        ObjectNode root = WecomJson.mapper().createObjectNode();
        root.put("msgtype", "stream");
        root.set("stream", streamNode());
        return root;
    }

    /**
     * The same JSON as {@link #toJsonNode()}, streamed: every refresh poll of an open stream writes one
     * of these, so the tree is skipped.
     */
    @Override
    public String toJson() {
        return WecomJson.write(sizeHint(), this::write);
    }

    /**
     * The same bytes as {@code toJson().getBytes(UTF_8)}, written directly (see {@link Utf8JsonWriter}).
     * The last frame with images takes the string route: it is rare, and megabytes of base64 are
     * better copied than sized for the worst case of three bytes a character.
     */
    @Override
    public byte[] toJsonBytes() {
        if (!images.isEmpty()) {
            return toJson().getBytes(StandardCharsets.UTF_8);
        }
        var json = new Utf8JsonWriter(sizeHint());
        json.ascii("{\"msgtype\":\"stream\",\"stream\":{\"id\":").string(id)
                .ascii(finish ? ",\"finish\":true,\"content\":" : ",\"finish\":false,\"content\":").string(content);
        if (feedbackId != null) {
            json.ascii(",\"feedback\":{\"id\":").string(feedbackId).ascii("}");
        }
        return json.ascii("}}").toByteArray();
    }

    private int sizeHint() {
        return 3 * (content.length() + id.length()) + 96;
    }

    private void write(JsonGenerator json) {
        json.writeStartObject();
        json.writeStringProperty("msgtype", "stream");
        json.writeName("stream");
        json.writeStartObject();
        json.writeStringProperty("id", id);
        json.writeBooleanProperty("finish", finish);
        json.writeStringProperty("content", content);
        if (!images.isEmpty()) {
            json.writeName("msg_item");
            json.writeStartArray();
            images.forEach(image -> image.write(json));
            json.writeEndArray();
        }
        if (feedbackId != null) {
            json.writeName("feedback");
            json.writeStartObject();
            json.writeStringProperty("id", feedbackId);
            json.writeEndObject();
        }
        json.writeEndObject();
        json.writeEndObject();
    }

    /** The inner {@code stream} object, shared with {@link StreamWithTemplateCardReply}. */
    ObjectNode streamNode() {
        ObjectNode stream = WecomJson.mapper().createObjectNode();
        stream.put("id", id);
        stream.put("finish", finish);
        stream.put("content", content);
        if (!images.isEmpty()) {
            ArrayNode items = stream.putArray("msg_item");
            images.forEach(image -> items.add(image.toJsonNode()));
        }
        if (feedbackId != null) {
            stream.putObject("feedback").put("id", feedbackId);
        }
        return stream;
    }

    // The answer text stays out of logs that print the record.
    @Override
    public String toString() {
        return "StreamReply[id=" + id + ", finish=" + finish + ", content=<" + content.length() + " chars>, images="
                + images.size() + ", feedbackId=" + feedbackId + "]";
    }
}
