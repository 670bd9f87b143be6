package io.wecomrelay.llm.input;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import io.wecomrelay.schemas.event.InboundMessage;
import tools.jackson.databind.JsonNode;

/**
 * Turns a self-built app's message (its XML elements, as ingress recorded them) into an {@link Input}: text as
 * typed, a location and a link described in words for Dify, a reset command as {@link Input.Reset}. Image, voice,
 * video and file become the configured media-only query with their {@code MediaId} as an
 * {@link Attachment.AppMedia}, fetched later with {@code media/get} (WeCom sends no transcript for an app's voice
 * messages: the recording itself goes to Dify); one without a {@code MediaId} is {@link Input.Unsupported}. Events
 * are {@link Input.Ignored}. Pure and thread-safe.
 */
final class AppInputs {

    /** {@code file} is not in WeCom's list of app message types, but has a {@code MediaId} wherever it is sent. */
    private static final Map<String, Attachment.Kind> MEDIA = Map.of("image", Attachment.Kind.IMAGE,
            "voice", Attachment.Kind.VOICE, "video", Attachment.Kind.VIDEO, "file", Attachment.Kind.FILE);

    private AppInputs() {
    }

    static Input read(InboundMessage message, List<String> resetCommands, String mediaOnlyQuery) {
        if (message.isEvent()) {
            return new Input.Ignored("app event " + message.eventType());
        }
        JsonNode body = message.body();
        Attachment.Kind media = MEDIA.get(message.msgType());
        if (media != null) {
            String mediaId = body.path("MediaId").asString("").strip();
            return mediaId.isEmpty() ? new Input.Unsupported(message.msgType())
                    : new Input.Query(mediaOnlyQuery, List.of(new Attachment.AppMedia(media, mediaId)));
        }
        String text = switch (message.msgType()) {
            case "text" -> body.path("Content").asString("").strip();
            case "location" -> location(body);
            case "link" -> lines(body.path("Title").asString(""), body.path("Description").asString(""),
                    body.path("Url").asString(""));
            default -> null;
        };
        if (text == null) {
            return new Input.Unsupported(message.msgType());
        }
        if (text.isEmpty()) {
            return new Input.Empty();
        }
        if (resetCommands.contains(text.toLowerCase(Locale.ROOT))) {
            return new Input.Reset();
        }
        return new Input.Query(text);
    }

    private static String location(JsonNode body) {
        String place = body.path("Label").asString("").strip();
        return "[位置 / location] " + (place.isEmpty() ? "" : place + " ") + "(" + body.path("Location_X").asString("?")
                + ", " + body.path("Location_Y").asString("?") + ")";
    }

    private static String lines(String... parts) {
        return Stream.of(parts).map(String::strip).filter(part -> !part.isEmpty()).collect(Collectors.joining("\n"));
    }
}
