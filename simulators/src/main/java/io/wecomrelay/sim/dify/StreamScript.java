package io.wecomrelay.sim.dify;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

import reactor.core.publisher.Flux;

/** The SSE frames one scenario sends, in order and with their timing. */
final class StreamScript {

    /** Gap between the pieces of a split frame, so that the client reads them one by one. */
    private static final Duration SPLIT_GAP = Duration.ofMillis(1);
    private static final String REPLACEMENT = "抱歉，这个回答已被内容审核替换。Sorry, this answer was replaced by moderation.";
    private static final String MID_STREAM_ERROR = "[dify-sim] Completion request failed mid-stream.";
    /** More of an answer string that never closes: no quote, backslash or line end. */
    private static final byte[] ENDLESS_PIECE = "x".repeat(1024).getBytes(StandardCharsets.US_ASCII);
    /** One more data line of an event that never ends; JSON allows whitespace between tokens. */
    private static final byte[] WHITESPACE_LINE = ("\ndata: " + " ".repeat(1017)).getBytes(StandardCharsets.US_ASCII);

    private final StreamSettings settings;
    private final EventFactory events;
    private final Steps steps;
    private final List<String> deltas;
    private final StreamPlan plan;
    private final ChatflowScript chatflow;

    StreamScript(StreamPlan plan, EventFactory events, SseEncoder sse) {
        this.plan = plan;
        this.settings = plan.settings();
        this.events = events;
        this.steps = new Steps(sse, settings);
        this.deltas = CannedAnswer.split(plan.answer(), settings.deltaCount());
        // one instance, so a stopped chatflow finishes the same workflow run it started
        this.chatflow = new ChatflowScript(events, steps, deltas, plan);
    }

    Flux<byte[]> frames() {
        if (events.mode() != AppMode.WORKFLOW) {
            return scenario();
        }
        // a workflow run announces itself and its LLM node before any text
        return Flux.concat(steps.now(() -> events.workflowStarted(plan.inputs())), steps.now(events::llmNodeStarted),
                scenario());
    }

    private Flux<byte[]> scenario() {
        return switch (settings.scenario()) {
            case NORMAL -> normal();
            case SPLIT_MULTIBYTE -> normal().concatMap(frame ->
                    Flux.fromIterable(SseEncoder.splitAcrossCharacters(frame)).delayElements(SPLIT_GAP));
            case ERROR_MID_STREAM -> Flux.concat(messages(firstHalf()), failedRun(),
                    steps.later(() -> events.error(400, "completion_request_error", MID_STREAM_ERROR)));
            case PAUSE -> Flux.concat(messages(firstHalf()), steps.pingsFor(settings.pause()),
                    messages(secondHalf()), steps.later(events::messageEnd));
            case SILENT_HANG -> Flux.concat(steps.now(() -> events.message(deltas.get(0))), Flux.never());
            case NO_TERMINAL -> messages(deltas);
            case MESSAGE_REPLACE -> Flux.concat(messages(firstHalf()),
                    steps.later(() -> events.messageReplace(REPLACEMENT)), steps.later(events::messageEnd));
            case AGENT -> new AgentScript(events, steps, deltas, plan.filesBaseUrl()).frames();
            case CHATFLOW -> chatflow.frames();
            case IMAGES -> new ImagesScript(events, steps, deltas).frames();
            case HOLD_OPEN -> steps.pingsForever();
            case ENDLESS_LINE -> Flux.concat(messages(deltas.subList(0, 1)),
                    // the answer is the JSON's last field: cut "} and the string stays open
                    steps.unfinished(() -> events.message(""), 2),
                    steps.forever(ENDLESS_PIECE));
            case ENDLESS_EVENT -> Flux.concat(messages(deltas.subList(0, 1)),
                    // cut } and the object stays open
                    steps.unfinished(() -> events.message("x"), 1),
                    steps.forever(WHITESPACE_LINE));
            case ENDLESS_ANSWER -> steps.deltas(deltas, events::message).repeat();
            case THINK -> Flux.concat(messages(CannedAnswer.split(CannedAnswer.withThinkTags(plan.query(), plan.answer()),
                    settings.deltaCount())), steps.later(events::messageEnd));
            case REASONING -> Flux.concat(
                    steps.deltas(CannedAnswer.split(CannedAnswer.reasoningFor(plan.query()), settings.deltaCount()),
                            part -> events.reasoningChunk(part, false)),
                    steps.now(() -> events.reasoningChunk("", true)),
                    normal());
            case HTTP_400, HTTP_404, HTTP_429, HTTP_500 ->
                    throw new IllegalStateException(settings.scenario() + " does not stream");
        };
    }

    /** What a stream sends after a successful stop: Dify ends the answer with {@code message_end}. */
    Flux<byte[]> afterStop() {
        if (settings.scenario() == Scenario.CHATFLOW) {
            return chatflow.afterStop();
        }
        return steps.now(events::stopped).flux();
    }

    /** A workflow whose node failed ends with a failed {@code workflow_finished} before the error; others send none. */
    private Flux<byte[]> failedRun() {
        if (events.mode() != AppMode.WORKFLOW) {
            return Flux.empty();
        }
        return steps.now(() -> events.workflowFinished("failed", MID_STREAM_ERROR)).flux();
    }

    private Flux<byte[]> normal() {
        return Flux.concat(messages(deltas), steps.later(events::messageEnd));
    }

    private Flux<byte[]> messages(List<String> parts) {
        return steps.deltas(parts, events::message);
    }

    private List<String> firstHalf() {
        return deltas.subList(0, (deltas.size() + 1) / 2);
    }

    private List<String> secondHalf() {
        return deltas.subList((deltas.size() + 1) / 2, deltas.size());
    }
}
