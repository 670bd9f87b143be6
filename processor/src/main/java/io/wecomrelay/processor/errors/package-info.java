/**
 * Dead-lettering for records the processor cannot read or process: Kafka Streams' native dead-letter
 * queue ({@code errors.dead.letter.queue.topic.name}, KIP-1034) fed by handlers that log coordinates
 * and the exception class only, never the record's content. The headers and the counter are the ones
 * every service writes: service-support's {@code DeadLetterScheme}.
 */
@NullMarked
package io.wecomrelay.processor.errors;

import org.jspecify.annotations.NullMarked;
