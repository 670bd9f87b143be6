/**
 * The llm-worker: consumes accepted WeCom messages, streams Dify answers and publishes them as
 * numbered reply chunks. One service, several spellings: module {@code llm-worker}, this package
 * {@code io.wecomrelay.llm}, settings {@code relay.worker.*}, metrics {@code relay.worker.*}, classes named after
 * the service {@code LlmWorker*} (application, configuration, properties, metrics).
 * <p>
 * How a message is handled, in the order the code runs:
 * <ol>
 * <li>{@code consume.AcceptedConsumer} polls {@code wecom.accepted} (a plain {@code KafkaConsumer}, one at a
 *     time per conversation key, many keys at once) and commits a record once step 2 is done with it;</li>
 * <li>{@code handle.AcceptedMessageRouter} decides: a reply, a feedback for Dify, or a skip (too old);</li>
 * <li>{@code handle.AttemptPublisher} starts the attempt in the stream ledger (Redis), publishes its chunks
 *     ({@code publish.ChunkPublisher}) and marks the stream done;</li>
 * <li>{@code handle.ReplyComposer} makes the chunks for the input: a Dify answer for a query, one sentence for a
 *     reset, an empty message, an unsupported type or an unknown bot;</li>
 * <li>{@code handle.QueryAnswerer} uploads the query's media, opens the Dify answer, has the answer's images decided
 *     before its last chunk ({@code images.AnswerImages}) and remembers the conversation and the answered message;</li>
 * <li>{@code reply.DifyReplies} opens a {@code reply.ReplySession} per attempt: the Dify stream's subscription
 *     and timers, around the pure {@code reply.DifyEventInterpreter} (what each Dify event means) and
 *     {@code reply.ChunkAssembler} (coalescing into numbered pieces).</li>
 * </ol>
 * {@link io.wecomrelay.llm.LlmWorkerConfiguration} is the only place that wires beans; everything below it is
 * plain Java and takes values, never {@code *Properties}.
 */
@NullMarked
package io.wecomrelay.llm;

import org.jspecify.annotations.NullMarked;
