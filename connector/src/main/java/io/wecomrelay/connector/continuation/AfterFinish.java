package io.wecomrelay.connector.continuation;

import io.wecomrelay.connector.images.ReplyImages;
import io.wecomrelay.connector.socket.BotSocket;
import reactor.core.publisher.Mono;

/**
 * What a stream gets after WeCom took its finish frame, in reading order: the rest of its answer
 * ({@link ReplyContinuation}), then its images ({@link ReplyImages}), which the worker took out of the text and which
 * end it. The instance and req_id that claimed the rest also send the images, after the last part, so a message
 * WeCom delivered twice (finished on both req_ids) never gets an image between two parts.
 */
public final class AfterFinish {

    private final ReplyContinuation rest;
    private final ReplyImages images;

    public AfterFinish(ReplyContinuation rest, ReplyImages images) {
        this.rest = rest;
        this.images = images;
    }

    /** The stream of {@code botId} was finished on {@code reqId}: its rest and its images, each once per stream. */
    public Mono<Void> follow(String botId, BotSocket socket, String streamId, String reqId) {
        return rest.afterFinish(botId, socket, streamId, reqId)
                .filter(Boolean::booleanValue)
                .flatMap(imagesHere -> images.afterFinish(botId, socket, streamId, reqId));
    }
}
