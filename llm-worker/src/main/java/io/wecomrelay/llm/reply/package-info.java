/**
 * One reply attempt: Dify events in, coalesced and numbered reply chunks out, every ending finished.
 * {@link io.wecomrelay.llm.reply.DifyReplies} opens one per attempt; the session behind it holds the Dify
 * subscription and the timers (idle, deadline, flush), and hands each event to two pure classes: the
 * {@code DifyEventInterpreter} (what an event means: text, replacement, file, status line, an ending) and the
 * {@code ChunkAssembler} (coalescing into numbered pieces).
 */
@NullMarked
package io.wecomrelay.llm.reply;

import org.jspecify.annotations.NullMarked;
