package io.wecomrelay.llm.publish;

import java.nio.charset.StandardCharsets;
import java.util.function.Function;

import io.wecomrelay.schemas.event.ChunkError;
import io.wecomrelay.schemas.event.EventSerde;
import io.wecomrelay.schemas.event.RelayEvent;
import io.wecomrelay.schemas.event.ReplyChunk;
import io.wecomrelay.schemas.event.ReplyRoute;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.jspecify.annotations.Nullable;

/**
 * How large a chunk's record is: its key, its value as the event serde writes it and its headers,
 * the parts the producer checks against {@code max.request.size} (besides a few dozen bytes of framing).
 * Serializing just to measure would double the work for every chunk, so a cheap upper bound is tried first.
 */
final class RecordSizes {

    /** Field names, punctuation, numbers, ids and timestamps of a chunk's JSON, with room to spare. */
    private static final int JSON_STRUCTURE_BYTES = 1024;
    /** The most bytes one {@code char} becomes, escaped. */
    private static final int MAX_BYTES_PER_CHAR = 6;
    /** An attached image's fields and names besides its key: md5, size, format. */
    private static final int ATTACHED_IMAGE_CHARS = 96;

    private final EventSerde<RelayEvent> serde = EventSerde.any();
    private final Function<ReplyChunk, ProducerRecord<String, RelayEvent>> records;

    /** @param records the record a chunk is sent as */
    RecordSizes(Function<ReplyChunk, ProducerRecord<String, RelayEvent>> records) {
        this.records = records;
    }

    /** True when the chunk's record certainly is at most {@code maxBytes}; cheap, no serialization. */
    boolean certainlyFits(ReplyChunk chunk, long maxBytes) {
        var record = records.apply(chunk);
        long chars = chunk.botId().length() + chunk.streamId().length() + chunk.conversationKey().length()
                + chunk.msgId().length() + chunk.meta().traceId().length() + chunk.text().length() + chars(chunk.route())
                + chars(chunk.error());
        for (String image : chunk.images()) {
            chars += image.length() + 3;
        }
        for (var image : chunk.attachedImages()) {
            chars += image.key().length() + ATTACHED_IMAGE_CHARS;
        }
        return chars * MAX_BYTES_PER_CHAR + JSON_STRUCTURE_BYTES + headers(record) <= maxBytes;
    }

    /** The key, value and header bytes of the chunk's record. */
    long exact(ReplyChunk chunk) {
        var record = records.apply(chunk);
        return record.key().getBytes(StandardCharsets.UTF_8).length
                + serde.serialize(record.topic(), record.value()).length + headers(record);
    }

    private static long headers(ProducerRecord<String, RelayEvent> record) {
        long bytes = 0;
        for (Header header : record.headers()) {
            bytes += header.key().getBytes(StandardCharsets.UTF_8).length + header.value().length;
        }
        return bytes;
    }

    private static long chars(ReplyRoute route) {
        return length(route.chatId()) + route.userId().length() + length(route.responseUrl());
    }

    private static long chars(@Nullable ChunkError error) {
        return error == null ? 0 : error.code().length() + error.userMessage().length()
                + (error.detail() == null ? 0 : error.detail().length());
    }

    private static long length(@Nullable String value) {
        return value == null ? 0 : value.length();
    }
}
