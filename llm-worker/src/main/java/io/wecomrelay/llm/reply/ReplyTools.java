package io.wecomrelay.llm.reply;

import java.time.Duration;

import reactor.core.scheduler.Scheduler;

/**
 * What every reply session shares.
 *
 * @param coalesceInterval at most one chunk per interval after the first
 * @param coalesceMaxChars a chunk goes out early when this many characters wait
 * @param idleTimeout      silence (not even a ping) after which the reply is finished and stopped
 * @param showThoughts     show an agent's tool calls as a status line until the answer starts
 * @param maxAnswerBytes   the largest answer (UTF-8 bytes); beyond it the reply is finished and the task stopped
 * @param texts            user-facing error sentences
 * @param scheduler        timers and the clock ({@code now()}, epoch milliseconds); virtual in tests
 * @param metrics          where sessions report
 */
record ReplyTools(Duration coalesceInterval, int coalesceMaxChars, Duration idleTimeout, boolean showThoughts,
                  long maxAnswerBytes, ErrorTexts texts, Scheduler scheduler, ReplyMetrics metrics) {
}
