package io.wecomrelay.llm.input;

import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import io.wecomrelay.schemas.event.InboundMessage;
import tools.jackson.databind.JsonNode;

/**
 * Turns a self-built app's message (its XML elements, as ingress recorded them) into an {@link Input}: text as
 * typed, a location and a link described in words for Dify, a reset command as {@link Input.Reset}. Events are
 * {@link Input.Ignored}. Image, voice and video are {@link Input.Unsupported} until their media are fetched with
 * {@code media/get} (WeCom sends no transcript for an app's voice messages). Pure and thread-safe.
 */
final class AppInputs {

    private AppInputs() {
    }

    static Input read(InboundMessage message, List<String> resetCommands) {
        if (message.isEvent()) {
            return new Input.Ignored("app event " + message.eventType());
        }
        JsonNode body = message.body();
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
