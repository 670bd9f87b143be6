package io.wecomrelay.sim.dify;

import java.util.List;

import reactor.core.publisher.Flux;

/**
 * A chat app whose answer shows images: the answer's deltas, a Markdown image ({@link SimImages#CHART}, a relative
 * URL), a {@code message_file} image (a JPG, relative URL), then three Markdown images that cannot be shown
 * ({@link SimImages#NOTES}, {@link SimImages#BIG}, {@link SimImages#ELSEWHERE}), then {@code message_end}.
 */
final class ImagesScript {

    /** The text after the answer's deltas and before the {@code message_file}. */
    static final String CHART_TEXT = "\n\nThe chart: ![chart](/files/images/" + SimImages.CHART + ")";
    /** The text after the {@code message_file}. */
    static final String BAD_IMAGES_TEXT = "Also: ![notes](/files/images/" + SimImages.NOTES + ") ![big](/files/images/"
            + SimImages.BIG + ") ![elsewhere](" + SimImages.ELSEWHERE + ")";

    private final EventFactory events;
    private final Steps steps;
    private final List<String> deltas;

    ImagesScript(EventFactory events, Steps steps, List<String> deltas) {
        this.events = events;
        this.steps = steps;
        this.deltas = deltas;
    }

    Flux<byte[]> frames() {
        var fileId = events.newId();
        return Flux.concat(
                steps.deltas(deltas, events::message),
                steps.later(() -> events.message(CHART_TEXT)),
                steps.later(() -> events.messageFile(fileId, "/files/tools/" + fileId + ".jpg")),
                steps.later(() -> events.message(BAD_IMAGES_TEXT)),
                steps.later(events::messageEnd));
    }
}
