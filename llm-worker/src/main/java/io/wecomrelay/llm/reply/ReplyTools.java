package io.wecomrelay.llm.reply;

import java.time.Duration;

import io.wecomrelay.schemas.bot.DifyApp;
import io.wecomrelay.schemas.stream.StreamStateKeys;

/**
 * What every reply session shares.
 *
 * @param coalesceInterval    at most one chunk per interval after the first
 * @param coalesceMaxChars    a chunk goes out early when this many characters wait
 * @param idleTimeout         silence (not even a ping) after which the reply is finished and stopped
 * @param showThoughts        show an agent's tool calls as a status line until the answer starts
 * @param maxAnswerBytes      the largest answer (UTF-8 bytes); beyond it the reply is finished and the task stopped
 * @param texts               user-facing error sentences
 * @param timers              the clock and the flush, idle and deadline timers
 * @param metrics             where sessions report
 * @param reasoningTitle      the title line of a reasoning model's thinking where it is shown
 * @param reasoningShownBytes the most of the thinking shown while the answer streams
 */
record ReplyTools(Duration coalesceInterval, int coalesceMaxChars, Duration idleTimeout, boolean showThoughts,
                  long maxAnswerBytes, ErrorTexts texts, ReplyTimers timers, ReplyMetrics metrics,
                  String reasoningTitle, long reasoningShownBytes) {

    static final long DEFAULT_REASONING_SHOWN_BYTES = 2048;
    /** What WeCom shows of a reply at most: the thinking is shown only in what the answer leaves of it. */
    static final long DISPLAY_BYTES = StreamStateKeys.MAX_CONTENT_BYTES;

    ReplyTools(Duration coalesceInterval, int coalesceMaxChars, Duration idleTimeout, boolean showThoughts,
               long maxAnswerBytes, ErrorTexts texts, ReplyTimers timers, ReplyMetrics metrics) {
        this(coalesceInterval, coalesceMaxChars, idleTimeout, showThoughts, maxAnswerBytes, texts, timers, metrics,
                DifyReplies.DEFAULT_REASONING_TITLE, DEFAULT_REASONING_SHOWN_BYTES);
    }

    /** The rules of a reply from {@code app}: whether it keeps thinking, which output a workflow answers in. */
    DifyEventInterpreter.Rules rules(DifyApp app) {
        return new DifyEventInterpreter.Rules(app.reasoning(), app.outputVariable(), reasoningTitle,
                reasoningShownBytes, DISPLAY_BYTES);
    }
}
