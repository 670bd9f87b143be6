package io.wecomrelay.sim.dify;

import java.util.List;

import reactor.core.publisher.Flux;

/**
 * An agent-chat app that calls a drawing tool: {@code agent_thought} (tool call),
 * {@code message_file} (the image), {@code agent_thought} again with the observation (same id and
 * position, as Dify re-emits a thought as it fills in), {@code agent_message} deltas,
 * {@code message_end}.
 */
final class AgentScript {

    private final EventFactory events;
    private final Steps steps;
    private final List<String> deltas;
    private final String filesBaseUrl;

    AgentScript(EventFactory events, Steps steps, List<String> deltas, String filesBaseUrl) {
        this.events = events;
        this.steps = steps;
        this.deltas = deltas;
        this.filesBaseUrl = filesBaseUrl;
    }

    Flux<byte[]> frames() {
        var thoughtId = events.newId();
        var fileId = events.newId();
        var url = filesBaseUrl + "/files/tools/" + fileId + ".png";
        return Flux.concat(
                steps.later(() -> events.agentThought(thoughtId, 1, "I will draw a cat with dalle3.", "")),
                steps.later(() -> events.messageFile(fileId, url)),
                steps.later(() -> {
                    var thought = events.agentThought(thoughtId, 1, "I will draw a cat with dalle3.",
                            "image generated: " + fileId);
                    thought.withArray("message_files").add(fileId);
                    return thought;
                }),
                steps.deltas(deltas, events::agentMessage),
                steps.later(events::messageEnd));
    }
}
